package activity_test

import "time"

// trackNow is the fixed clock of these tests.
var trackNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
