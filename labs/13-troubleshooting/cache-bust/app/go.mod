module buildinfo

go 1.22
