package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/spf13/cobra"
)

// cloudFlags choose where an engine command works.
type cloudFlags struct {
	cloud   string
	profile string
	region  string
	dir     string
	speed   float64
}

func (f *cloudFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.cloud, "cloud", "sandbox", "sandbox (embedded, no account needed) or aws (your credentials; AWS_ENDPOINT_URL points at an emulator)")
	c.Flags().StringVar(&f.profile, "profile", "", "AWS profile to use with --cloud aws (default: the standard chain)")
	c.Flags().StringVar(&f.region, "region", "", "region (default: mvi.toml's region)")
	c.Flags().StringVar(&f.dir, "sandbox-dir", "", "where the sandbox keeps its state (default $XDG_STATE_HOME/mvi/sandbox)")
	speedVar(c.Flags(), &f.speed)
}

// session is an open cloud and what the engine needs of it.
type session struct {
	cfg   engine.Config
	close func()
	where string           // "sandbox (dir)" or "AWS account 1234… in region"
	sb    *sandbox.Sandbox // the sandbox, when on it (its data plane: sandbox.go)
}

func (f *cloudFlags) open(ctx context.Context, app, region string) (*session, error) {
	if f.region != "" {
		region = f.region
	}
	// --app goes into tag filters and parameter paths: "*" or "a/b" would
	// reach AWS as a raw error, or match what isn't this app's. The
	// wizard opens a cloud before any app is named ("").
	if err := manifest.CheckAppName(app); app != "" && err != nil {
		return nil, usagef("--app %q: %v", app, err)
	}
	var (
		clients *cloud.Clients
		locker  engine.Locker
		closeFn = func() {}
		where   string
		sbox    *sandbox.Sandbox
	)
	switch f.cloud {
	case "sandbox":
		sb, err := sandbox.Open(ctx, sandbox.Options{Dir: f.dir, Region: region, Speed: f.speed})
		if err != nil {
			return nil, fmt.Errorf("open the sandbox: %w", err)
		}
		clients, closeFn, sbox = sb.Clients(), func() { _ = sb.Close() }, sb
		locker = engine.FileLocker{Dir: filepath.Join(sb.Dir(), "locks")}
		where = "the sandbox (" + sb.Dir() + ")"
	case "aws":
		cfg, err := cloud.Load(ctx, f.profile, region)
		if err != nil {
			return nil, err
		}
		clients = cloud.FromConfig(cfg)
		// A takeover of a dead run's lock is said, not done silently.
		locker = engine.SSMLocker{Clients: clients, Notice: func(msg string) { fmt.Fprintln(os.Stderr, "mvi: "+msg) }}
		where = "AWS"
	default:
		return nil, usagef("--cloud %q: use sandbox or aws", f.cloud)
	}
	id, err := clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		closeFn()
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		if ep, ok := engine.Unreachable(err); ok {
			return nil, &fixedError{err: fmt.Errorf("who am I on %s: the endpoint at %s doesn't answer: %w", f.cloud, ep, err),
				fix: "check the network, and AWS_ENDPOINT_URL if you point mvi at an emulator (is it running?)"}
		}
		return nil, &fixedError{err: fmt.Errorf("who am I on %s: %w", f.cloud, err),
			fix: "check your credentials (aws sts get-caller-identity), or use --cloud sandbox to learn without an account"}
	}
	account := deref(id.Account)
	if f.cloud == "aws" {
		where = fmt.Sprintf("AWS account %s in %s", account, region)
	}
	return &session{
		cfg: engine.Config{
			Clients: clients, Handlers: engineaws.Handlers(), App: app, Region: region, Account: account, Locker: locker,
		},
		close: closeFn, where: where, sb: sbox,
	}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// appOf is the app a command works on: --app's, in the default region (or
// --region's, which open applies), or the one mvi.toml names, with that
// manifest (nil for --app).
func appOf(file, app string) (name, region string, m *manifest.Manifest, err error) {
	if app != "" {
		return app, manifest.DefaultRegion, nil, nil
	}
	if m, err = manifest.Load(file); err != nil {
		return "", "", nil, err
	}
	region = m.Region
	if region == "" {
		region = manifest.DefaultRegion
	}
	return m.Name, region, m, nil
}
