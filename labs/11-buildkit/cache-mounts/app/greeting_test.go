package main

import "testing"

func TestGreetingUsesTheName(t *testing.T) {
	if got := Greeting("Ada"); got != "hello, Ada: this answer came from a container" {
		t.Fatalf("unexpected greeting %q", got)
	}
}

func TestGreetingHasADefault(t *testing.T) {
	if got := Greeting("  "); got != "hello, reader: this answer came from a container" {
		t.Fatalf("unexpected greeting %q", got)
	}
}
