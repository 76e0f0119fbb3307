package webhooks

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"onboard/ent"
)

// SecretKeyLen is the length of WEBHOOK_SECRET_KEY: an AES-256 key.
const SecretKeyLen = 32

// ErrNoSecretKey says that webhooks are not configured: without a key the
// signing secrets can be neither stored nor read.
var ErrNoSecretKey = errors.New("webhooks need WEBHOOK_SECRET_KEY (32 bytes, base64)")

// Box encrypts the endpoints' signing secrets at rest. A signing secret
// cannot be stored as a hash, since the server must compute HMACs with
// it; encrypted, a copy of the database alone does not let anyone forge a
// delivery.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box over key, or ErrNoSecretKey when key is empty.
func NewBox(key []byte) (*Box, error) {
	if len(key) == 0 {
		return nil, ErrNoSecretKey
	}
	if len(key) != SecretKeyLen {
		return nil, fmt.Errorf("WEBHOOK_SECRET_KEY must be %d bytes, not %d", SecretKeyLen, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts secret with a fresh nonce, as base64 of nonce‖ciphertext.
func (b *Box) Seal(secret string) (string, error) {
	if b == nil {
		return "", ErrNoSecretKey
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(secret), nil)), nil
}

// Open decrypts what Seal returned.
func (b *Box) Open(sealed string) (string, error) {
	if b == nil {
		return "", ErrNoSecretKey
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("a sealed webhook secret is malformed")
	}
	plain, err := b.aead.Open(nil, raw[:b.aead.NonceSize()], raw[b.aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("a webhook secret does not open with WEBHOOK_SECRET_KEY: was the key changed?")
	}
	return string(plain), nil
}

// SecretPrefix starts every signing secret, so that one found in a log or
// a repository is recognisable for what it is (and secret scanners can
// match it).
const SecretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: SecretPrefix and 32 random
// bytes in unpadded base64url, 256 bits, as much as the HMAC-SHA256 key
// can use.
func NewSecret() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(raw), nil
}

// SigningSecrets returns the secrets a delivery to ep made at now is
// signed with, as Signature takes them: the current one first, then the
// previous one while its rotation's overlap lasts (strictly before
// previous_secret_expires_at), so that a receiver still holding the old
// secret verifies the delivery and one holding the new one does too. The
// delivery worker calls it for every attempt, with the attempt's time.
func (b *Box) SigningSecrets(ep *ent.WebhookEndpoint, now time.Time) ([]string, error) {
	current, err := b.Open(ep.Secret)
	if err != nil {
		return nil, err
	}
	secrets := []string{current}
	if ep.PreviousSecret != "" && ep.PreviousSecretExpiresAt != nil && now.Before(*ep.PreviousSecretExpiresAt) {
		previous, err := b.Open(ep.PreviousSecret)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, previous)
	}
	return secrets, nil
}
