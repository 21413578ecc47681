# Chapter 3: COPY copies files as they are. ADD copies too, but unpacks local tar archives.
# run.sh packs vendor/ into vendor.tar.gz first: the archive is not kept in the repository.
FROM alpine:3.20
# The archive lands as one file, byte for byte.
COPY vendor.tar.gz /copied/
# The same archive, unpacked. ADD recognises a tar (plain, gzip, bzip2 or xz) by its content.
ADD vendor.tar.gz /added/
# A directory source copies what is inside it, not the directory itself.
COPY vendor/ /copied-dir/
CMD ["find", "/copied", "/added", "/copied-dir", "-type", "f"]
