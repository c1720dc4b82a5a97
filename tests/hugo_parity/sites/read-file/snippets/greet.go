package main

import "fmt"

// greet says hello to every name it is given.
func greet(names ...string) {
	for _, name := range names {
		fmt.Println("Hello,", name)
	}
}
