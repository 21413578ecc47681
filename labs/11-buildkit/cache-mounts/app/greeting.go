package main

import "strings"

// Greeting says hello to name, or to whoever is reading when name is blank.
func Greeting(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "reader"
	}
	return "hello, " + name + ": this answer came from a container"
}
