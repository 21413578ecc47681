module greet

go 1.22
