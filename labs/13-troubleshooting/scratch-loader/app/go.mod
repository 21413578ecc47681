module healthz

go 1.22
