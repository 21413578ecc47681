// Command hello prints the course's greeting once: enough to show whether a binary
// can start at all in an image.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println(Greeting(strings.Join(os.Args[1:], " ")))
}
