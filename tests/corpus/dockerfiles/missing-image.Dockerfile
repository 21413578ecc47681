FROM nosuch/image:1.0
RUN true
