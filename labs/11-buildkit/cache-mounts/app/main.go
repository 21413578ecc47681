// Command greeter is a tiny HTTP server: the app that lab 11 builds with BuildKit.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "unset"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-version" {
		fmt.Println(version)
		return
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, Greeting(r.URL.Query().Get("name")))
	})
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, version)
	})
	log.Printf("greeter %s listening on :%s", version, port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
