// Command peek prints who it runs as, then tries to read a file only root may read.
// The image installs it setuid root, the way a careless Dockerfile might.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("uid=%d euid=%d\n", os.Getuid(), os.Geteuid())
	data, err := os.ReadFile("/etc/peek/root-only.txt")
	if err != nil {
		fmt.Println("read root-only.txt:", err)
		return
	}
	fmt.Printf("read root-only.txt: %s", data)
}
