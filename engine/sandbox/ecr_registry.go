package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// The sandbox's ECR registry: the OCI distribution API as ECR serves it
// at <account>.dkr.ecr.<region>.amazonaws.com, reached through
// Clients().Registry (registry_transport.go). Every request needs HTTP
// Basic "AWS" + a token from GetAuthorizationToken, as ECR's does; blobs
// go to the content store (registry_blobs.go) and a manifest push records
// the image in its repository's state, under the state lock, so every
// process sees it at once.

// regError is a distribution-API error: status, code, message.
type regError struct {
	status        int
	code, message string
}

func (e *regError) Error() string { return e.code + ": " + e.message }

func writeRegError(w http.ResponseWriter, e *regError) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"code": e.code, "message": e.message}}})
	w.Write(b)
}

// splitRegistryPath splits /v2/<name>/<kind>/<rest> (kind: blobs,
// manifests); the name may hold slashes.
func splitRegistryPath(p string) (name, kind, rest string, ok bool) {
	p = strings.TrimPrefix(p, "/v2/")
	for _, k := range []string{"/blobs/uploads/", "/blobs/", "/manifests/"} {
		if i := strings.LastIndex(p, k); i > 0 {
			return p[:i], strings.Trim(k, "/"), p[i+len(k):], true
		}
	}
	return "", "", "", false
}

func (s *Sandbox) ecrHandler(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	user, password, hasAuth := r.BasicAuth()
	var account string
	err := s.internal(r.Context(), func(t *tx) error {
		account = t.account()
		if host != t.account()+".dkr.ecr."+t.regionName()+".amazonaws.com" || !t.authorized(user, password, hasAuth) {
			return errUnauthorized
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, errUnauthorized) {
			// ECR's answer to a request without a valid token.
			w.Header().Set("WWW-Authenticate", `Basic realm="https://`+host+`/",service="ecr.amazonaws.com"`)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, "Not Authorized\n")
			return
		}
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	if r.URL.Path == "/v2/" || r.URL.Path == "/v2" {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.WriteHeader(http.StatusOK)
		return
	}
	name, kind, rest, ok := splitRegistryPath(r.URL.Path)
	if !ok {
		writeRegError(w, &regError{http.StatusNotFound, "NOT_FOUND", "404 page not found"})
		return
	}
	if err := s.regRepoExists(r, name, account); err != nil {
		writeRegError(w, err)
		return
	}
	switch {
	case kind == "manifests" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.ecrGetManifest(w, r, name, rest)
	case kind == "manifests" && r.Method == http.MethodPut:
		s.ecrPutManifest(w, r, name, rest)
	case kind == "blobs" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.serveBlob(w, r, rest)
	case kind == "blobs/uploads":
		s.ecrUpload(w, r, name, rest)
	default:
		writeRegError(w, &regError{http.StatusMethodNotAllowed, "UNSUPPORTED", "The operation is unsupported."})
	}
}

var errUnauthorized = errors.New("not authorized")

func (s *Sandbox) regRepoExists(r *http.Request, name, account string) *regError {
	var missing bool
	err := s.internal(r.Context(), func(t *tx) error {
		missing = t.r.ECR.Repos[name] == nil
		return nil
	})
	if err != nil {
		return &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()}
	}
	if missing {
		return &regError{http.StatusNotFound, "NAME_UNKNOWN", "The repository with name '" + name + "' does not exist in the registry with id '" + account + "'"}
	}
	return nil
}

func (s *Sandbox) serveBlob(w http.ResponseWriter, r *http.Request, digest string) {
	size := s.blobSize(digest)
	if size < 0 {
		writeRegError(w, &regError{http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown to registry"})
		return
	}
	w.Header().Set("Docker-Content-Digest", digest)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	if r.Method == http.MethodHead {
		return
	}
	f, err := os.Open(s.blobPath(digest))
	if err != nil {
		return
	}
	defer f.Close()
	io.Copy(w, f)
}

// ecrUpload is the blob upload flow: POST starts one (or, with ?digest=,
// is the whole upload), PATCH appends, PUT ?digest= appends the rest and
// commits. Cross-repository mounts are answered with a fresh upload, as
// ECR does unless blob mounting is turned on for the registry.
func (s *Sandbox) ecrUpload(w http.ResponseWriter, r *http.Request, name, id string) {
	if r.Method == http.MethodPost && id == "" {
		id = uuid()
		if err := os.MkdirAll(s.uploadPath(""), 0o700); err != nil {
			writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
			return
		}
		if err := os.WriteFile(s.uploadPath(id), nil, 0o600); err != nil {
			writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
			return
		}
		if d := r.URL.Query().Get("digest"); d != "" {
			s.finishUpload(w, r, name, id, d)
			return
		}
		w.Header().Set("Location", "/v2/"+name+"/blobs/uploads/"+id)
		w.Header().Set("Docker-Upload-UUID", id)
		w.Header().Set("Range", "0-0")
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if strings.Contains(id, "/") || id == "" || strings.Contains(id, "..") {
		writeRegError(w, &regError{http.StatusNotFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"})
		return
	}
	if _, err := os.Stat(s.uploadPath(id)); err != nil {
		writeRegError(w, &regError{http.StatusNotFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"})
		return
	}
	switch r.Method {
	case http.MethodPatch:
		n, err := appendUpload(s.uploadPath(id), r.Body)
		if err != nil {
			writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
			return
		}
		w.Header().Set("Location", "/v2/"+name+"/blobs/uploads/"+id)
		w.Header().Set("Docker-Upload-UUID", id)
		w.Header().Set("Range", "0-"+strconv.FormatInt(n-1, 10))
		w.WriteHeader(http.StatusAccepted)
	case http.MethodPut:
		s.finishUpload(w, r, name, id, r.URL.Query().Get("digest"))
	default:
		writeRegError(w, &regError{http.StatusMethodNotAllowed, "UNSUPPORTED", "The operation is unsupported."})
	}
}

func (s *Sandbox) finishUpload(w http.ResponseWriter, r *http.Request, name, id, digest string) {
	path := s.uploadPath(id)
	if _, err := appendUpload(path, r.Body); err != nil {
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	if err := s.commitBlob(path, digest); err != nil {
		os.Remove(path)
		if errors.Is(err, errDigestInvalid) {
			writeRegError(w, &regError{http.StatusBadRequest, "DIGEST_INVALID", err.Error()})
			return
		}
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	w.Header().Set("Location", "/v2/"+name+"/blobs/"+digest)
	w.Header().Set("Docker-Content-Digest", digest)
	w.WriteHeader(http.StatusCreated)
}

// appendUpload appends a body to an upload; it returns the new size.
func appendUpload(path string, body io.Reader) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (s *Sandbox) ecrGetManifest(w http.ResponseWriter, r *http.Request, name, ref string) {
	var im *ecrImage
	err := s.internal(r.Context(), func(t *tx) error {
		if repo := t.r.ECR.Repos[name]; repo != nil {
			if found := repo.resolve(ref); found != nil {
				im = clone(found)
			}
		}
		return nil
	})
	if err != nil {
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	if im == nil {
		writeRegError(w, &regError{http.StatusNotFound, "MANIFEST_UNKNOWN", "Requested image not found"})
		return
	}
	b, err := s.readBlob(im.Digest)
	if err != nil {
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	serveManifest(w, r, im.MediaType, im.Digest, b)
}

func serveManifest(w http.ResponseWriter, r *http.Request, mediaType, digest string, b []byte) {
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Docker-Content-Digest", digest)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b)
}

// manifestDoc is what the registry reads of a pushed manifest.
type manifestDoc struct {
	MediaType string `json:"mediaType"`
	Config    struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
	} `json:"config"`
	Layers []struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int64  `json:"size"`
	} `json:"layers"`
	Manifests []struct {
		Digest string `json:"digest"`
	} `json:"manifests"`
}

// maxManifest is ECR's limit on a manifest's size (4 MiB).
const maxManifest = 4 << 20

func (s *Sandbox) ecrPutManifest(w http.ResponseWriter, r *http.Request, name, ref string) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxManifest+1))
	if err != nil {
		writeRegError(w, &regError{http.StatusBadRequest, "MANIFEST_INVALID", err.Error()})
		return
	}
	if len(b) > maxManifest {
		writeRegError(w, &regError{http.StatusBadRequest, "MANIFEST_INVALID", "manifest exceeds the maximum size of 4 MiB"})
		return
	}
	var doc manifestDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		writeRegError(w, &regError{http.StatusBadRequest, "MANIFEST_INVALID", "manifest invalid"})
		return
	}
	mediaType := doc.MediaType
	if mediaType == "" {
		mediaType = r.Header.Get("Content-Type")
	}
	var size int64
	var needed []string
	if doc.Config.Digest != "" {
		needed = append(needed, doc.Config.Digest)
	}
	for _, l := range doc.Layers {
		needed = append(needed, l.Digest)
		size += l.Size
	}
	for _, m := range doc.Manifests {
		needed = append(needed, m.Digest)
	}
	for _, d := range needed {
		if s.blobSize(d) < 0 {
			writeRegError(w, &regError{http.StatusBadRequest, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + d})
			return
		}
	}
	digest, err := s.putBlob(b)
	if err != nil {
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	tag := ""
	if strings.HasPrefix(ref, "sha256:") {
		if ref != digest {
			writeRegError(w, &regError{http.StatusBadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content"})
			return
		}
	} else {
		tag = ref
	}
	var rerr *regError
	err = s.internal(r.Context(), func(t *tx) error {
		repo := t.r.ECR.Repos[name]
		if repo == nil {
			rerr = &regError{http.StatusNotFound, "NAME_UNKNOWN", "The repository with name '" + name + "' does not exist in the registry with id '" + t.account() + "'"}
			return rerr
		}
		rerr = t.recordPush(repo, digest, tag, mediaType, doc.Config.MediaType, size)
		if rerr != nil {
			return rerr
		}
		return nil
	})
	if rerr != nil {
		writeRegError(w, rerr)
		return
	}
	if err != nil {
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	w.Header().Set("Location", "/v2/"+name+"/manifests/"+digest)
	w.Header().Set("Docker-Content-Digest", digest)
	w.WriteHeader(http.StatusCreated)
}

// recordPush puts a pushed manifest in its repository. In an IMMUTABLE
// repository a tag that exists can't be pushed again — even with the
// same digest: ECR refuses the manifest PUT either way (its docs: "If an
// image is pushed with a tag that already exists in the repository, an
// error is returned").
func (t *tx) recordPush(repo *ecrRepo, digest, tag, mediaType, configType string, size int64) *regError {
	if tag != "" {
		if old := repo.byTag(tag); old != nil && repo.Mutability == string(ecrtypes.ImageTagMutabilityImmutable) {
			return &regError{http.StatusBadRequest, "TAG_INVALID", fmt.Sprintf("The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", tag, repo.Name)}
		}
		repo.untag(tag)
	}
	if repo.Images == nil {
		repo.Images = map[string]*ecrImage{}
	}
	im := repo.Images[digest]
	if im == nil {
		im = &ecrImage{Digest: digest, MediaType: mediaType, Size: size, PushedAt: t.now}
		if configType != "" {
			im.Artifact = configType
		}
		repo.Images[digest] = im
	}
	if tag != "" {
		im.Tags = append(im.Tags, tag)
	}
	// Untagged images left behind by a moved tag stay, as on ECR.
	repo.Pushed = true
	t.touch()
	t.expireImages(repo)
	return nil
}
