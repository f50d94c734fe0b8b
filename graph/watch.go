package graph

// WatchOptions configure change-notification subscriptions (see Watch).
type WatchOptions struct{}
