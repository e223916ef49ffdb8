package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// The registry's content store: every blob (layers, configs, manifests)
// is a file named by its digest under <Dir>/registry/blobs, written to a
// temporary file and renamed into place once its digest checks out. A
// file is therefore complete or absent, and content-addressed files never
// change, so every process that opens the directory can read them without
// the state lock; which repository holds which image is in the state.

var digestRE = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)

func (s *Sandbox) registryDir() string { return filepath.Join(s.dir, "registry") }

func (s *Sandbox) blobPath(digest string) string {
	return filepath.Join(s.registryDir(), "blobs", "sha256", digest[len("sha256:"):])
}

func (s *Sandbox) uploadPath(id string) string {
	return filepath.Join(s.registryDir(), "uploads", id)
}

// blobSize is the size of a stored blob, or -1 when there is none.
func (s *Sandbox) blobSize(digest string) int64 {
	if !digestRE.MatchString(digest) {
		return -1
	}
	fi, err := os.Stat(s.blobPath(digest))
	if err != nil {
		return -1
	}
	return fi.Size()
}

// commitBlob moves a finished upload into the store if its content has
// the digest the client claims.
func (s *Sandbox) commitBlob(upload, digest string) error {
	if !digestRE.MatchString(digest) {
		return errDigestInvalid
	}
	f, err := os.Open(upload)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return err
	}
	if "sha256:"+hex.EncodeToString(h.Sum(nil)) != digest {
		return errDigestInvalid
	}
	dst := s.blobPath(digest)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	return os.Rename(upload, dst)
}

// putBlob stores bytes (a manifest) under their digest.
func (s *Sandbox) putBlob(b []byte) (string, error) {
	sum := sha256.Sum256(b)
	digest := "sha256:" + hex.EncodeToString(sum[:])
	if s.blobSize(digest) == int64(len(b)) {
		return digest, nil
	}
	dir := filepath.Join(s.registryDir(), "uploads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "manifest-*")
	if err != nil {
		return "", err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if err := s.commitBlob(f.Name(), digest); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return digest, nil
}

func (s *Sandbox) readBlob(digest string) ([]byte, error) {
	if !digestRE.MatchString(digest) {
		return nil, fmt.Errorf("bad digest %q", digest)
	}
	return os.ReadFile(s.blobPath(digest))
}

var errDigestInvalid = errors.New("provided digest did not match uploaded content")
