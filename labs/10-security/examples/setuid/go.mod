module peek

go 1.22
