// Command sdl writes graph.SDL() to the file its argument names; go
// generate runs it in the graph package (see graph/sdl.go).
package main

import (
	"log"
	"os"

	"onboard/graph"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: sdl FILE")
	}
	if err := os.WriteFile(os.Args[1], graph.SDL(), 0o644); err != nil {
		log.Fatal(err)
	}
}
