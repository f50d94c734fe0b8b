package pgstore

// WrapForTest exposes wrap to the external tests.
var WrapForTest = wrap
