package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// Locker keeps two applies (or an apply and a destroy) of one app apart.
type Locker interface {
	Lock(ctx context.Context, app string) (unlock func(), err error)
}

// ErrLocked is wrapped by lock errors so callers can tell contention apart.
var ErrLocked = errors.New("app is locked")

// FileLocker locks with flock on <Dir>/<app>.lock: the sandbox's lock,
// released by the kernel if the process dies.
type FileLocker struct{ Dir string }

// Lock takes the lock or says who holds it.
func (l FileLocker) Lock(_ context.Context, app string) (func(), error) {
	if err := os.MkdirAll(l.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	path := filepath.Join(l.Dir, app+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		return nil, fmt.Errorf("%w: another mvi is changing %s (%s); wait for it to finish", ErrLocked, app, strings.TrimSpace(string(holder)))
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(holderText()), 0)
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// SSMLocker locks with an SSM parameter created without overwrite: only
// one creator can win, on AWS and in the sandbox alike.
type SSMLocker struct{ Clients *cloud.Clients }

// Lock creates /mvi/<app>/lock or says who holds it.
func (l SSMLocker) Lock(ctx context.Context, app string) (func(), error) {
	name := "/mvi/" + app + "/lock"
	_, err := l.Clients.SSM.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(holderText()), Type: ssmtypes.ParameterTypeString,
		Overwrite: aws.Bool(false), Description: aws.String("mvi apply lock; delete it only if that run died"),
		// Not tagged mvi:app: the lock is no resource of the app, so plans
		// and destroys must not see it.
		Tags: []ssmtypes.Tag{{Key: aws.String("mvi:lock"), Value: aws.String(app)}},
	})
	if err != nil {
		var exists *ssmtypes.ParameterAlreadyExists
		if errors.As(err, &exists) || codeOf(err) == "ParameterAlreadyExists" {
			holder := "unknown"
			if out, gerr := l.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)}); gerr == nil && out.Parameter != nil {
				holder = aws.ToString(out.Parameter.Value)
			}
			return nil, fmt.Errorf("%w: another mvi is changing %s (%s); wait, or if that run died: aws ssm delete-parameter --name %s", ErrLocked, app, holder, name)
		}
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	return func() {
		// The caller's ctx may be cancelled (Ctrl-C): release anyway.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = l.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
	}, nil
}

func holderText() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("pid %d on %s since %s", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
}
