package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/steps"
)

// clouds answers a tutorial's "where should it run?": the cloud the wizard
// was started on is already open; the other one is opened the first time
// a person picks it, with the same flags, and kept until the wizard ends.
type clouds struct {
	flags cloudFlags
	first *session
	// hostOut receives the data plane's complaint when a sandbox opened
	// later can't be served (another mvi serves it: that one answers).
	hostOut io.Writer

	mu     sync.Mutex
	other  *session
	closes []func()
}

func newClouds(f cloudFlags, first *session, hostOut io.Writer) *clouds {
	return &clouds{flags: f, first: first, hostOut: hostOut}
}

func (c *clouds) name() string {
	if c.flags.cloud == "" {
		return steps.CloudSandbox
	}
	return c.flags.cloud
}

// use is steps.Session.UseCloud: it moves s to the named cloud and keeps
// the app's name and region.
func (c *clouds) use(ctx context.Context, s *steps.Session, name string) error {
	sess, err := c.open(ctx, name, s.Engine.Region)
	if err != nil {
		return err
	}
	app, region := s.Engine.App, s.Engine.Region
	s.Engine, s.Where = sess.cfg, sess.where
	s.Engine.App = app
	if region != "" {
		s.Engine.Region = region
	}
	return nil
}

func (c *clouds) open(ctx context.Context, name, region string) (*session, error) {
	if name == c.name() {
		return c.first, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.other != nil {
		return c.other, nil
	}
	if region == "" {
		region = manifest.DefaultRegion
	}
	f := c.flags
	f.cloud = name
	sess, err := f.open(ctx, "", region)
	if err != nil {
		return nil, err
	}
	// A background context: the data plane serves until the wizard ends,
	// not until the step that opened it returns.
	c.closes = append(c.closes, sess.host(context.Background(), c.hostOut), sess.close)
	c.other = sess
	return sess, nil
}

// local says whether clients are a sandbox's this wizard opened: a cloud
// on this machine only, where AWS's console and aws commands reach nothing.
func (c *clouds) local(cl *cloud.Clients) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range []*session{c.first, c.other} {
		if s != nil && s.sb != nil && cl != nil && s.cfg.Clients == cl {
			return true
		}
	}
	return false
}

// close ends what open started.
func (c *clouds) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.closes) - 1; i >= 0; i-- {
		c.closes[i]()
	}
	c.closes = nil
}

// awsLabel is how the AWS choice reads, or "" when this machine has no
// AWS credentials to offer. With credentials it names the account, asked
// of STS with a short deadline so a slow network never holds the screen.
func (c *clouds) awsLabel(ctx context.Context) string {
	if c.name() == steps.CloudAWS {
		return fmt.Sprintf("my AWS account %s (costs money)", c.first.cfg.Account)
	}
	if !awsCredentialsFound(os.Getenv) {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	sess, err := c.open(ctx, steps.CloudAWS, "")
	if err != nil {
		return "my AWS account (credentials found; checked when chosen; costs money)"
	}
	id, err := sess.cfg.Clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || id.Account == nil {
		return "my AWS account (credentials found; checked when chosen; costs money)"
	}
	return fmt.Sprintf("my AWS account %s (costs money)", *id.Account)
}

// awsCredentialsFound says whether the standard chain has anything to
// read, without a network call: keys or a profile in the environment, a
// web identity or container role, or the shared files.
func awsCredentialsFound(getenv func(string) string) bool {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		if getenv(k) != "" {
			return true
		}
	}
	files := []string{getenv("AWS_SHARED_CREDENTIALS_FILE"), getenv("AWS_CONFIG_FILE")}
	if home := getenv("HOME"); home != "" {
		files = append(files, filepath.Join(home, ".aws", "credentials"), filepath.Join(home, ".aws", "config"))
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		if st, err := os.Stat(f); err == nil && st.Size() > 0 {
			return true
		}
	}
	return false
}

// offer rewrites a tutorial's cloud questions for this machine: the AWS
// choice names the account, or goes away (with a word on how to add one)
// when there are no credentials.
func (c *clouds) offer(ctx context.Context, st []steps.Step) []steps.Step {
	var label string
	var asked bool
	out := make([]steps.Step, len(st))
	for i, s := range st {
		out[i] = s
		a, ok := s.(steps.Ask)
		if !ok {
			continue
		}
		fields := make([]steps.Field, 0, len(a.Fields))
		for _, f := range a.Fields {
			if f.Cloud {
				if !asked {
					label, asked = c.awsLabel(ctx), true
				}
				f = offerField(f, label)
			}
			fields = append(fields, f)
		}
		a.Fields = fields
		out[i] = a
	}
	return out
}

func offerField(f steps.Field, awsLabel string) steps.Field {
	opts := make([]steps.Option, 0, len(f.Options))
	for _, o := range f.Options {
		if o.Value == steps.CloudAWS {
			if awsLabel == "" {
				continue
			}
			o.Label = awsLabel
		}
		opts = append(opts, o)
	}
	if awsLabel == "" {
		f.Help += " (No AWS credentials on this machine, so the sandbox it is; `aws configure` adds your account.)"
	}
	f.Options = opts
	return f
}
