package smtpimap

// SetFetchBudget lowers one Fetch's per-folder budget and the size cap,
// so tests can cross them with a handful of messages.
func SetFetchBudget(p *Provider, headers, downloads int, maxSize int64) {
	p.budget = fetchBudget{headers: headers, downloads: downloads, maxSize: maxSize}
}
