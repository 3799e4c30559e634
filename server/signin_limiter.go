package server

import (
	"sync"
	"time"
)

// Sign-in throttling: an email, or a client address, that failed too often within the
// window is refused until the window has passed. Per address the allowance is larger,
// because several people may share one NAT.
const (
	signInWindow       = 15 * time.Minute
	signInMaxPerEmail  = 5
	signInMaxPerClient = 20
	// signInMaxTracked bounds the memory an attacker can make the limiter use: when it
	// is full, expired entries go first, then the oldest.
	signInMaxTracked = 10000
)

// signInLimiter counts failed sign-ins per key ("email:<e>", "ip:<addr>") in fixed
// windows. It lives in memory: a restart forgets it, which costs an attacker a
// restart per window.
type signInLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*signInFailures
}

type signInFailures struct {
	count int
	since time.Time
}

func newSignInLimiter(now func() time.Time) *signInLimiter {
	if now == nil {
		now = time.Now
	}
	return &signInLimiter{now: now, entries: map[string]*signInFailures{}}
}

func signInLimit(key string) int {
	if len(key) > 3 && key[:3] == "ip:" {
		return signInMaxPerClient
	}
	return signInMaxPerEmail
}

// blocked reports whether any key is over its limit, and when the caller may try again.
func (l *signInLimiter) blocked(keys ...string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		f := l.entries[k]
		if f == nil || now.Sub(f.since) >= signInWindow {
			continue
		}
		if f.count >= signInLimit(k) {
			if w := signInWindow - now.Sub(f.since); w > wait {
				wait = w
			}
		}
	}
	return wait, wait > 0
}

// fail records one failed attempt for every key.
func (l *signInLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		f := l.entries[k]
		if f == nil || now.Sub(f.since) >= signInWindow {
			if f == nil && len(l.entries) >= signInMaxTracked {
				l.evict(now)
			}
			f = &signInFailures{since: now}
			l.entries[k] = f
		}
		f.count++
	}
}

// forget clears a key after a successful sign-in.
func (l *signInLimiter) forget(key string) {
	l.mu.Lock()
	delete(l.entries, key)
	l.mu.Unlock()
}

// evict drops expired entries, or the oldest one when none has expired.
func (l *signInLimiter) evict(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, f := range l.entries {
		if now.Sub(f.since) >= signInWindow {
			delete(l.entries, k)
			continue
		}
		if oldestKey == "" || f.since.Before(oldest) {
			oldestKey, oldest = k, f.since
		}
	}
	if len(l.entries) >= signInMaxTracked && oldestKey != "" {
		delete(l.entries, oldestKey)
	}
}

// size is the number of tracked keys (tests).
func (l *signInLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
