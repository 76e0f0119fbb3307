// Command onboard serves the Onboard GraphQL API.
package main

//go:generate go run ./ent/entc.go
//go:generate go run github.com/99designs/gqlgen generate

func main() {}
