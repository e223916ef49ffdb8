package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tutorials"
)

func TestAWSCredentialsFoundLooksWithoutTheNetwork(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	get := func(k string) string { return env[k] }
	if awsCredentialsFound(get) {
		t.Fatal("found credentials in an empty home")
	}
	env["AWS_PROFILE"] = "dev"
	if !awsCredentialsFound(get) {
		t.Error("AWS_PROFILE not seen")
	}
	delete(env, "AWS_PROFILE")
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[default]\naws_access_key_id = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !awsCredentialsFound(get) {
		t.Error("~/.aws/credentials not seen")
	}
}

// Without credentials the Hello World cloud question offers only the
// sandbox and says how to add an account; with them it names the account.
func TestCloudQuestionFitsTheMachine(t *testing.T) {
	tu, err := tutorials.Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	field := func(st []steps.Step) steps.Field {
		for _, s := range st {
			if a, ok := s.(steps.Ask); ok {
				for _, f := range a.Fields {
					if f.Cloud {
						return f
					}
				}
			}
		}
		t.Fatal("Hello World has no cloud question")
		return steps.Field{}
	}
	f := field(tu.Steps)
	none := offerField(f, "")
	if len(none.Options) != 1 || none.Options[0].Value != steps.CloudSandbox || !strings.Contains(none.Help, "aws configure") {
		t.Errorf("without credentials: %+v", none)
	}
	with := offerField(f, "my AWS account 123456789012 (costs money)")
	if len(with.Options) != 2 || !strings.Contains(with.Options[1].Label, "123456789012") {
		t.Errorf("with credentials: %+v", with.Options)
	}
	if len(field(tu.Steps).Options) != 2 {
		t.Error("offerField changed the loaded tutorial")
	}
}

// Picking AWS in a wizard started on the sandbox moves the session to the
// AWS account (moto here), names it, and picking the sandbox moves it back.
func TestPickingAWSMovesTheSession(t *testing.T) {
	startMoto(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	ctx := context.Background()
	f := cloudFlags{cloud: "sandbox", dir: t.TempDir()}
	first, err := f.open(ctx, "", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	defer first.close()
	cl := newClouds(f, first, &strings.Builder{})
	defer cl.close()
	// moto loads each service's code on its first call, which on a busy
	// machine can outlast the label's 3-second look: warm STS first.
	if warm, err := cl.open(ctx, steps.CloudAWS, ""); err == nil {
		_, _ = warm.cfg.Clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	}
	if label := cl.awsLabel(ctx); !strings.Contains(label, "123456789012") {
		t.Errorf("AWS choice reads %q, want moto's account", label)
	}
	s := &steps.Session{Engine: first.cfg}
	s.Engine.App = "class"
	if err := cl.use(ctx, s, steps.CloudAWS); err != nil {
		t.Fatal(err)
	}
	if s.Engine.Account != "123456789012" || s.Engine.App != "class" {
		t.Errorf("on AWS: account %q app %q", s.Engine.Account, s.Engine.App)
	}
	if err := cl.use(ctx, s, steps.CloudSandbox); err != nil {
		t.Fatal(err)
	}
	if s.Engine.Clients != first.cfg.Clients || s.Engine.App != "class" {
		t.Error("picking the sandbox again did not come back to the wizard's sandbox")
	}
}
