package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/release"
)

// Records is the app's build and release records: its table and bucket,
// found by their tags like everything else.
func Records(ctx context.Context, cfg Config) (release.Store, error) {
	table, err := Find(ctx, cfg, arch.TypeTable, "table")
	if err == nil {
		var bucket = table
		if bucket, err = Find(ctx, cfg, arch.TypeBucket, "bucket"); err == nil {
			return release.Store{DB: cfg.Clients.DynamoDB, Blob: cfg.Clients.S3, Table: table.Attrs["name"], Bucket: bucket.Attrs["name"]}, nil
		}
	}
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return release.Store{}, &NoRecordsError{App: cfg.App}
	}
	return release.Store{}, err
}

// NoRecordsError is an app with no table or bucket for records: it builds
// nothing, or isn't up.
type NoRecordsError struct{ App string }

func (e *NoRecordsError) Error() string {
	return fmt.Sprintf("%s keeps no build or release records here: it has no table and bucket for them", e.App)
}

// Fix says when there are records.
func (e *NoRecordsError) Fix() string {
	return "records are kept for apps with a process built from source (build = \".\"); run mvi up first, or check --app and --cloud"
}
