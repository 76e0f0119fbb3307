package values

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes: OWASP's Password Storage Cheat Sheet
// minimum configuration (m = 19 MiB, t = 2, p = 1), which keeps one hash at
// roughly tens of milliseconds and 19 MiB so a signup burst can't exhaust
// the server, with the usual 16-byte salt and 32-byte key. They are written
// into every hash, so raising them later doesn't break existing hashes.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// Bounds on parameters read back from a stored hash. A hash string from a
// corrupted or tampered row must not make Verify allocate gigabytes or spin
// for minutes, and each semaphore slot is sized for about this much memory.
// Raise them deliberately if the hashing parameters are ever raised.
const (
	maxVerifyMemoryKiB = 64 * 1024
	maxVerifyTime      = 16
	maxVerifyThreads   = 16
	minVerifySaltLen   = 8
	maxVerifySaltLen   = 64
	minVerifyKeyLen    = 16
	maxVerifyKeyLen    = 64
)

// ErrMalformedHash is returned by Verify when the stored string is not an
// argon2id PHC string this package can check (wrong algorithm or version,
// bad encoding, out-of-range parameters). It signals corrupt data, not a
// wrong password, so callers should log it and fail closed.
var ErrMalformedHash = errors.New("values: malformed argon2id password hash")

// errNoHasher is returned when a Hasher was not made by NewHasher; a zero
// Hasher has no semaphore and would otherwise block forever.
var errNoHasher = errors.New("values: Hasher not initialised; use NewHasher")

// Hasher hashes and verifies passwords with argon2id. Each hash needs about
// 19 MiB of memory for tens of milliseconds, so a Hasher admits at most a
// fixed number of hash computations at a time (a channel used as a
// semaphore): under a burst of signups or logins memory stays bounded at
// about maxConcurrent × 19 MiB, and excess requests wait, or give up when
// their context ends, instead of taking the process down. It holds no other
// state, is safe for concurrent use, and there is no package-level
// instance, so each server (and each test) sizes its own.
type Hasher struct {
	sem chan struct{}
	// waited, when set, learns how long each computation waited for its
	// slot (the metrics' hash queue wait).
	waited func(time.Duration)
}

// DefaultHashConcurrency is the number of hashes to run at once when none
// is configured: one fewer than GOMAXPROCS (the CPUs the process may use,
// a container's limit), and at least one. A hash holds its scheduler slot
// (its P) for its whole ~20 ms, so with every P hashing, every other
// goroutine woken by the network (a database answer, a new request) waits
// for the runtime's 10 ms preemption: in a burst of registrations on
// PostgreSQL, each registration's 33 statements then took ~185 ms instead
// of ~5 ms, and its transaction, holding a connection and row locks,
// 70–150 ms instead of ~3 ms, while reads queued the same way
// (BenchmarkRegisterIndividual). Leaving one P free keeps them at their
// own pace, at the cost of hashing on all but one CPU.
func DefaultHashConcurrency() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// NewHasher returns a Hasher that runs at most maxConcurrent argon2id
// computations (Hash and Verify together) at once. Values below 1 mean 1.
// DefaultHashConcurrency is a sensible value, within the memory budget
// (maxConcurrent × 19 MiB).
func NewHasher(maxConcurrent int) *Hasher {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Hasher{sem: make(chan struct{}, maxConcurrent)}
}

// OnWait makes h report how long each hash or verification waited for a
// free slot, and returns h. Call it before h is used.
func (h *Hasher) OnWait(f func(time.Duration)) *Hasher {
	h.waited = f
	return h
}

// acquire waits for a free slot or for ctx to end.
func (h *Hasher) acquire(ctx context.Context) error {
	if h == nil || h.sem == nil {
		return errNoHasher
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	select {
	case h.sem <- struct{}{}:
		if h.waited != nil {
			h.waited(time.Since(start))
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees a slot taken by acquire.
func (h *Hasher) release() { <-h.sem }

// Hash returns the argon2id hash of password with a fresh random salt, in
// the standard PHC string format
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (unpadded standard
// base64), which other languages' argon2 libraries read, so the stored
// hashes aren't tied to this code. It waits for a free slot and returns
// ctx's error if ctx ends first. Validate the password with CheckPassword
// before hashing it; Hash itself accepts any bytes.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("values: reading salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, a PHC string made by
// Hash (or by any argon2id v=19 implementation with parameters within this
// package's bounds). The parameters are read from encoded, so hashes made
// with other settings keep working, and the comparison is constant-time so
// response timing doesn't reveal how much of the key matched. A wrong
// password is (false, nil); an unusable encoded string is
// (false, ErrMalformedHash). Verify waits for a slot like Hash, since it
// costs the same memory; use VerifyContext to bound the wait.
func (h *Hasher) Verify(password, encoded string) (bool, error) {
	return h.VerifyContext(context.Background(), password, encoded)
}

// VerifyContext is Verify that gives up waiting for a slot when ctx ends,
// for request handlers that should not queue past their deadline.
func (h *Hasher) VerifyContext(ctx context.Context, password, encoded string) (bool, error) {
	ph, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), ph.salt, ph.time, ph.memory, ph.threads, uint32(len(ph.key)))
	h.release()
	return subtle.ConstantTimeCompare(key, ph.key) == 1, nil
}

// phc is a decoded argon2id PHC string.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parsePHC decodes "$argon2id$v=19$m=M,t=T,p=P$salt$key" strictly and
// checks every value against the Verify bounds.
func parsePHC(s string) (*phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" ||
		parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, ErrMalformedHash
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return nil, ErrMalformedHash
	}
	m, okM := phcParam(params[0], "m=", maxVerifyMemoryKiB)
	t, okT := phcParam(params[1], "t=", maxVerifyTime)
	p, okP := phcParam(params[2], "p=", maxVerifyThreads)
	// Argon2 needs at least 8 KiB of memory per lane.
	if !okM || !okT || !okP || m < 8*p {
		return nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < minVerifySaltLen || len(salt) > maxVerifySaltLen {
		return nil, ErrMalformedHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < minVerifyKeyLen || len(key) > maxVerifyKeyLen {
		return nil, ErrMalformedHash
	}
	return &phc{memory: m, time: t, threads: uint8(p), salt: salt, key: key}, nil
}

// phcParam parses "name=value" with value a decimal in [1, max] without sign
// or leading zeros, as the PHC format requires.
func phcParam(s, name string, max uint32) (uint32, bool) {
	v, ok := strings.CutPrefix(s, name)
	if !ok || v == "" || len(v) > 10 || (len(v) > 1 && v[0] == '0') || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > uint64(max) {
		return 0, false
	}
	return uint32(n), true
}
