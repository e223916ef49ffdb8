package release

import (
	"time"
)

// Build is one build's record.
type Build struct {
	ID      string `json:"id"` // the image tag: process and source digest
	Process string `json:"process"`
	// Source is the build directory's digest (build.SourceDigest).
	Source string `json:"source_digest"`
	// Image names the pushed image by digest (repo@sha256:…).
	Image       string    `json:"image,omitempty"`
	ImageDigest string    `json:"image_digest,omitempty"`
	Base        string    `json:"base,omitempty"`
	Layers      int       `json:"layers,omitempty"`
	Builder     string    `json:"builder"`
	Status      string    `json:"status"` // StatusSucceeded or StatusFailed
	Error       string    `json:"error,omitempty"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	// Log is where the build's log is kept: s3://bucket/builds/ID.log.
	Log string `json:"log,omitempty"`
}

// Build statuses.
const (
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
)

// Release is what ran from one apply on: every process's image and task
// definition (its settings, secrets by version, command and size).
type Release struct {
	Number    int                `json:"number"`
	Time      time.Time          `json:"time"`
	Processes map[string]Process `json:"processes"`
	// Config is a digest of every process's settings apart from its
	// image: two releases with the same Config differ only in code.
	Config string `json:"config_version"`
	// RollbackOf is the release this one started again, if any.
	RollbackOf int `json:"rollback_of,omitempty"`
}

// Process is one process in a release.
type Process struct {
	Image          string `json:"image"`
	TaskDefinition string `json:"task_definition"` // its ARN (family:revision)
	Build          string `json:"build,omitempty"` // the build id, for a built image
}
