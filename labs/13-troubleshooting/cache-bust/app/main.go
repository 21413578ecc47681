// Command buildinfo serves the build record CI leaves in /build-info.txt: which commit,
// built when. CI rewrites that file before every build.
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		info, err := os.ReadFile("/build-info.txt")
		if err != nil {
			http.Error(w, "no build record: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(info)
	})
	log.Println("buildinfo listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
