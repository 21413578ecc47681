// Command greet prints a greeting for its first argument.
package main

import (
	"fmt"
	"os"
)

func main() {
	name := ""
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	fmt.Println(Greeting(name))
}
