package crypto_test

import (
	"io"
	"os"
	"testing"
)

// captureStdout runs f with os.Stdout redirected and returns what it wrote.
// Tests using it must not run in parallel.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	f()
	os.Stdout = old
	w.Close()
	return string(<-done)
}
