// Command pbbase is PocketBase with nothing added, built like rollcall: the
// baseline of the binary-size, cold-start and idle-memory figures.
package main

import (
	"log"

	"github.com/pocketbase/pocketbase"
)

func main() {
	if err := pocketbase.New().Start(); err != nil {
		log.Fatal(err)
	}
}
