// Command greeter is a tiny HTTP server: the app that lab 08 packages.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, Greeting(r.URL.Query().Get("name")))
	})
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	log.Printf("greeter listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
