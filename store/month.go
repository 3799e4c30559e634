package store

import "time"

// MonthWindow is the current UTC calendar month [start, end) as timestamp text
// (data-model §3.8), the window of every monthly budget and spend figure.
func MonthWindow(now time.Time) (string, string) {
	now = now.UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return FormatTime(start), FormatTime(start.AddDate(0, 1, 0))
}
