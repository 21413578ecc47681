// Command healthz is a tiny status server: GET / answers with the host name and uptime.
// It uses only Go's standard library, so a static build needs nothing but this binary.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

var started = time.Now()

func status(w http.ResponseWriter, _ *http.Request) {
	host, _ := os.Hostname()
	fmt.Fprintf(w, "ok: %s up %s\n", host, time.Since(started).Round(time.Second))
}

func main() {
	http.HandleFunc("/", status)
	log.Println("healthz listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
