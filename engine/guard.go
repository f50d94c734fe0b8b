package engine

import (
	"fmt"
	"runtime/debug"
)

// HostError is a failure of a host callback (Accounts, Sink, StatusSink,
// CursorStore, SentIndex) or of a provider method that panicked. It stops
// only the account it happened for, for a backoff.
type HostError struct {
	// Call names the callback, such as "Sink.Deliver".
	Call string
	// Panic is true when the callback panicked; Err then describes the
	// panic value.
	Panic bool
	Err   error
	// Stack is the panicking goroutine's stack (empty for an error).
	Stack string
}

// Error describes the failure.
func (e *HostError) Error() string {
	if e.Panic {
		return "engine: " + e.Call + " panicked: " + e.Err.Error()
	}
	return "engine: " + e.Call + ": " + e.Err.Error()
}

// Unwrap returns the callback's error.
func (e *HostError) Unwrap() error { return e.Err }

// guard calls fn, turning its error or panic into a *HostError.
func guard(call string, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &HostError{Call: call, Panic: true, Err: fmt.Errorf("%v", v), Stack: string(debug.Stack())}
		}
	}()
	if err := fn(); err != nil {
		return &HostError{Call: call, Err: err}
	}
	return nil
}

// guardProvider calls a provider method, turning a panic (but not an
// ordinary error, which the caller classifies) into a *HostError.
func guardProvider(call string, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &HostError{Call: call, Panic: true, Err: fmt.Errorf("%v", v), Stack: string(debug.Stack())}
		}
	}()
	return fn()
}
