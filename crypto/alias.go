package crypto

import "unsafe"

// sliceForAppend extends in by n bytes, reusing its capacity when it can.
// head is the whole result, tail the n new bytes.
func sliceForAppend(in []byte, n int) (head, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		head = in[:total]
	} else {
		head = make([]byte, total)
		copy(head, in)
	}
	tail = head[len(in):]
	return head, tail
}

// inexactOverlap reports whether x and y share memory at different
// offsets, which the cipher.AEAD contract forbids for dst and the input.
// Exact overlap (the same starting byte) is allowed for in-place use.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || &x[0] == &y[0] {
		return false
	}
	x0 := uintptr(unsafe.Pointer(&x[0]))
	y0 := uintptr(unsafe.Pointer(&y[0]))
	x1 := uintptr(unsafe.Pointer(&x[len(x)-1]))
	y1 := uintptr(unsafe.Pointer(&y[len(y)-1]))
	return x0 <= y1 && y0 <= x1
}
