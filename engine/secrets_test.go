package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func secretArch(t *testing.T, app string) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte(`name = "`+app+`"
secrets = ["API_KEY", "STRIPE_KEY"]
[processes.web]
image = "httpd"
port = 80
[processes.worker]
image = "httpd"
`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func secretTags(t *testing.T, cfg Config, name string) map[string]string {
	t.Helper()
	out, err := cfg.Clients.SSM.ListTagsForResource(context.Background(), &ssm.ListTagsForResourceInput{
		ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: sdkaws.String(arch.SecretPath(cfg.App, name))})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tg := range out.TagList {
		tags[sdkaws.ToString(tg.Key)] = sdkaws.ToString(tg.Value)
	}
	return tags
}

func TestSecretSetListUnset(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	missing, err := MissingSecrets(ctx, cfg, []string{"STRIPE_KEY", "API_KEY", "API_KEY"})
	if err != nil || !slices.Equal(missing, []string{"API_KEY", "STRIPE_KEY"}) {
		t.Fatalf("missing before any set: %v, %v", missing, err)
	}
	for i, v := range []string{"first", "second"} {
		if err := SetSecret(ctx, cfg, "API_KEY", []byte(v)); err != nil {
			t.Fatalf("set #%d: %v", i+1, err)
		}
	}
	list, err := ListSecrets(ctx, cfg)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	s := list[0]
	// Never up, so no app key yet: the account's default key, said so.
	if s.Name != "API_KEY" || s.Version != 2 || s.Changed.IsZero() || !s.DefaultKey || s.Key != DefaultSecretKey {
		t.Errorf("listed %+v", s)
	}
	tags := secretTags(t, cfg, "API_KEY")
	if tags[resource.TagApp] != "shop" || tags[TagSecret] != "API_KEY" || tags[resource.TagID] != "" {
		t.Errorf("tags %v: want mvi:app and mvi:secret, and no mvi:id", tags)
	}
	got, err := cfg.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: sdkaws.String("/mvi/shop/secrets/API_KEY"), WithDecryption: sdkaws.Bool(true)})
	if err != nil || sdkaws.ToString(got.Parameter.Value) != "second" || got.Parameter.Type != ssmtypes.ParameterTypeSecureString {
		t.Errorf("stored %+v, %v", got, err)
	}
	if missing, err := MissingSecrets(ctx, cfg, []string{"API_KEY", "STRIPE_KEY"}); err != nil || !slices.Equal(missing, []string{"STRIPE_KEY"}) {
		t.Errorf("missing after set: %v, %v", missing, err)
	}
	if err := UnsetSecret(ctx, cfg, "API_KEY"); err != nil {
		t.Fatal(err)
	}
	if err := UnsetSecret(ctx, cfg, "API_KEY"); !errors.Is(err, ErrSecretNotSet) || resource.FixOf(err) == "" {
		t.Errorf("unset twice: %v", err)
	}
	if list, _ := ListSecrets(ctx, cfg); len(list) != 0 {
		t.Errorf("after unset: %+v", list)
	}
}

func TestSecretRefusesBadNamesAndValues(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	for _, tc := range []struct {
		name  string
		value string
		want  string
	}{
		{"API_KEY", "", "empty"},
		{"API_KEY", strings.Repeat("x", MaxSecretBytes+1), "4096"},
		{"API_KEY", "canary-\xff\xfe", "UTF-8"},
		{"../lock", "canary-7d1f0e", "not a secret name"},
		{"1KEY", "canary-7d1f0e", "not a secret name"},
	} {
		err := SetSecret(ctx, cfg, tc.name, []byte(tc.value))
		if err == nil || !strings.Contains(err.Error(), tc.want) || resource.FixOf(err) == "" {
			t.Errorf("set %q (%d bytes): %v", tc.name, len(tc.value), err)
		}
		if err != nil && tc.value != "" && strings.Contains(err.Error(), tc.value) {
			t.Errorf("the error shows the value: %v", err)
		}
	}
	if list, _ := ListSecrets(ctx, cfg); len(list) != 0 {
		t.Errorf("a refused set left %+v", list)
	}
}

// The check before any change names every secret without a value, the
// processes that read it and the command that sets it.
func TestCheckSecretsNamesTheMissingAndTheCommand(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	a := secretArch(t, "shop")
	if err := SetSecret(ctx, cfg, "API_KEY", []byte("v")); err != nil {
		t.Fatal(err)
	}
	err := CheckSecrets(ctx, cfg, a)
	var me *MissingSecretsError
	if !errors.As(err, &me) || !slices.Equal(me.Names, []string{"STRIPE_KEY"}) || !slices.Equal(me.Users["STRIPE_KEY"], []string{"web", "worker"}) {
		t.Fatalf("check: %v", err)
	}
	for _, want := range []string{"STRIPE_KEY", "read by web, worker", "nothing was changed", "fix: set `mvi secrets set STRIPE_KEY`"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if err := SetSecret(ctx, cfg, "STRIPE_KEY", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := CheckSecrets(ctx, cfg, a); err != nil {
		t.Errorf("all set: %v", err)
	}
	if err := CheckSecrets(ctx, cfg, fullArch(t)); err != nil {
		t.Errorf("an app without secrets: %v", err)
	}
}

// Secrets are no designed resources: a plan after up neither deletes them
// nor counts them, Destroy leaves them to `mvi down` (DeleteSecrets), and
// once the app's key exists values go under it.
func TestSecretsLiveBesideThePlan(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	a := secretArch(t, "shop")
	// Before the first up: the default key.
	if err := SetSecret(ctx, cfg, "API_KEY", []byte("before-up")); err != nil {
		t.Fatal(err)
	}
	if err := SetSecret(ctx, cfg, "STRIPE_KEY", []byte("before-up")); err != nil {
		t.Fatal(err)
	}
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	key, onApp, err := SecretKey(ctx, cfg)
	if err != nil || !onApp || !strings.HasPrefix(key, "arn:") {
		t.Fatalf("the app's key after up: %q %v %v", key, onApp, err)
	}
	if err := SetSecret(ctx, cfg, "API_KEY", []byte("after-up")); err != nil {
		t.Fatal(err)
	}
	list, _ := ListSecrets(ctx, cfg)
	if len(list) != 2 || list[0].DefaultKey || list[0].Key != key || !list[1].DefaultKey {
		t.Errorf("after a set on the app key: %+v", list)
	}
	moved, err := RekeySecrets(ctx, cfg, true)
	if err != nil || !slices.Equal(moved, []string{"STRIPE_KEY"}) {
		t.Errorf("rekey onto the app key moved %v, %v", moved, err)
	}
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	// API_KEY has a new value, so what reads it rolls; STRIPE_KEY only
	// moved under the app's key, which rolls nothing.
	for _, s := range p.Steps {
		rolls := s.Type == arch.TypeTaskDefinition || s.Type == arch.TypeService
		if rolls != (s.Action == Update) || rolls && (!strings.Contains(s.Reason, "secret API_KEY changed (version 1 → 2)") || strings.Contains(s.Reason, "STRIPE_KEY")) {
			t.Errorf("plan with secrets set: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
	// What down --keep-secrets does before the app's key is scheduled for
	// deletion: values move to the default key, unchanged.
	moved, err = RekeySecrets(ctx, cfg, false)
	if err != nil || len(moved) != 2 {
		t.Errorf("rekey onto the default key moved %v, %v", moved, err)
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	got, err := cfg.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: sdkaws.String("/mvi/shop/secrets/API_KEY"), WithDecryption: sdkaws.Bool(true)})
	if err != nil || sdkaws.ToString(got.Parameter.Value) != "after-up" {
		t.Errorf("a kept value after destroy: %v", err)
	}
	if _, onApp, _ := SecretKey(ctx, cfg); onApp {
		t.Error("the app's key is still usable after destroy")
	}
	deleted, err := DeleteSecrets(ctx, cfg)
	if err != nil || !slices.Equal(deleted, []string{"API_KEY", "STRIPE_KEY"}) {
		t.Errorf("delete secrets: %v, %v", deleted, err)
	}
	if list, _ := ListSecrets(ctx, cfg); len(list) != 0 {
		t.Errorf("left %+v", list)
	}
}

// Another app's secrets, the lock and the plan's own parameters are not
// this app's secrets.
func TestSecretsAreOnlyTheAppsOwn(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	other := cfg
	other.App = "shop2"
	if err := SetSecret(ctx, other, "API_KEY", []byte("v")); err != nil {
		t.Fatal(err)
	}
	unlock, err := SSMLocker{Clients: cfg.Clients}.Lock(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if list, err := ListSecrets(ctx, cfg); err != nil || len(list) != 0 {
		t.Errorf("shop lists %+v, %v", list, err)
	}
	if deleted, err := DeleteSecrets(ctx, cfg); err != nil || len(deleted) != 0 {
		t.Errorf("shop deleted %v, %v", deleted, err)
	}
	if list, _ := ListSecrets(ctx, other); len(list) != 1 {
		t.Errorf("shop2 lists %+v", list)
	}
}

func TestSecretCallsSurviveThrottlingAndServerErrors(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{Seed: 7, Faults: sandbox.Faults{Rate: 0.3, Throttle: true, Server: true}})
	for i := 0; i < 5; i++ {
		if err := SetSecret(ctx, cfg, "API_KEY", []byte("v")); err != nil {
			t.Fatal(err)
		}
		if missing, err := MissingSecrets(ctx, cfg, []string{"API_KEY"}); err != nil || len(missing) != 0 {
			t.Fatalf("missing %v, %v", missing, err)
		}
		if _, err := ListSecrets(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		if err := UnsetSecret(ctx, cfg, "API_KEY"); err != nil {
			t.Fatal(err)
		}
	}
}

// The same calls through moto_server: AWS's API as the SDK speaks it.
func TestSecretsOnMoto(t *testing.T) {
	ctx := context.Background()
	clients := motoLockClients(t)
	cfg := Config{Clients: clients, App: "shop", Region: "us-east-1", Account: "123456789012", Retry: instant()}
	if err := SetSecret(ctx, cfg, "API_KEY", []byte("before-up")); err != nil {
		t.Fatal(err)
	}
	// Then the app's key, as up makes it, and a second value under it.
	k, err := clients.KMS.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clients.KMS.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: sdkaws.String(SecretKeyAlias("shop")), TargetKeyId: k.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	if err := SetSecret(ctx, cfg, "API_KEY", []byte("after-up")); err != nil {
		t.Fatal(err)
	}
	if err := SetSecret(ctx, cfg, "STRIPE_KEY", []byte("v")); err != nil {
		t.Fatal(err)
	}
	list, err := ListSecrets(ctx, cfg)
	if err != nil || len(list) != 2 || list[0].Name != "API_KEY" || list[0].Version != 2 || list[0].DefaultKey {
		t.Fatalf("list %+v, %v", list, err)
	}
	tags := secretTags(t, cfg, "API_KEY")
	if tags[resource.TagApp] != "shop" || tags[TagSecret] != "API_KEY" || tags[resource.TagID] != "" {
		t.Errorf("tags %v", tags)
	}
	if missing, err := MissingSecrets(ctx, cfg, []string{"API_KEY", "NOPE", "STRIPE_KEY"}); err != nil || !slices.Equal(missing, []string{"NOPE"}) {
		t.Errorf("missing %v, %v", missing, err)
	}
	if moved, err := RekeySecrets(ctx, cfg, false); err != nil || len(moved) != 2 {
		t.Errorf("rekey moved %v, %v", moved, err)
	}
	// A moved value is the same value: its version stays the one it
	// copies, so nothing that reads it rolls.
	if v, err := valueVersions(ctx, cfg); err != nil || v["API_KEY"] != 2 || v["STRIPE_KEY"] != 1 {
		t.Errorf("value versions after the move: %v, %v", v, err)
	}
	got, err := clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: sdkaws.String("/mvi/shop/secrets/API_KEY"), WithDecryption: sdkaws.Bool(true)})
	if err != nil || sdkaws.ToString(got.Parameter.Value) != "after-up" {
		t.Errorf("after rekey: %v", err)
	}
	if err := UnsetSecret(ctx, cfg, "API_KEY"); err != nil {
		t.Fatal(err)
	}
	if err := UnsetSecret(ctx, cfg, "API_KEY"); !errors.Is(err, ErrSecretNotSet) {
		t.Errorf("unset twice: %v", err)
	}
	if deleted, err := DeleteSecrets(ctx, cfg); err != nil || !slices.Equal(deleted, []string{"STRIPE_KEY"}) {
		t.Errorf("delete: %v, %v", deleted, err)
	}
}

// Secrets are read by name (Secrets), by reference as a whole value
// (SecretVars) and inside a composed value (a parameter's Template): the
// check covers every name of all three, whichever way it is read.
func TestCheckSecretsCoversReferences(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	a := arch.Architecture{App: "shop", Resources: []arch.Resource{
		{ID: "task/web", Type: arch.TypeTaskDefinition, Props: arch.TaskDefinitionProps{Process: "web",
			Secrets: []string{"LISTED"}, SecretVars: map[string]string{"TOKEN": "BY_REF"},
			Params: map[string]string{"DSN": arch.EnvParameterID("web", "DSN")}}},
		{ID: "task/worker", Type: arch.TypeTaskDefinition, Props: arch.TaskDefinitionProps{Process: "worker",
			SecretVars: map[string]string{"TOKEN": "BY_REF"}}},
		{ID: arch.EnvParameterID("web", "DSN"), Type: arch.TypeParameter, Props: arch.ParameterProps{
			Name: "/mvi/shop/env/web/DSN", Secure: true,
			Template: arch.Template{{Lit: "https://u:"}, {Ref: "secrets.IN_TEMPLATE"}, {Lit: "@h/"}, {Ref: "database.host"}}}},
		{ID: "env/orphan/X", Type: arch.TypeParameter, Props: arch.ParameterProps{
			Name: "/mvi/shop/env/orphan/X", Secure: true, Template: arch.Template{{Ref: "secrets.UNREAD"}}}},
	}}
	users := SecretUsers(a)
	want := map[string][]string{"LISTED": {"web"}, "BY_REF": {"web", "worker"}, "IN_TEMPLATE": {"web"}, "UNREAD": {}}
	if len(users) != len(want) {
		t.Errorf("users %v, want %v", users, want)
	}
	for n, w := range want {
		if got, ok := users[n]; !ok || !slices.Equal(got, w) {
			t.Errorf("users[%s] = %v, want %v", n, got, w)
		}
	}
	err := CheckSecrets(ctx, cfg, a)
	var me *MissingSecretsError
	if !errors.As(err, &me) || !slices.Equal(me.Names, []string{"BY_REF", "IN_TEMPLATE", "LISTED", "UNREAD"}) {
		t.Fatalf("check: %v", err)
	}
	for _, n := range me.Names {
		if !strings.Contains(resource.FixOf(err), "`mvi secrets set "+n+"`") {
			t.Errorf("fix %q lacks the command for %s", resource.FixOf(err), n)
		}
	}
	for _, n := range []string{"BY_REF", "IN_TEMPLATE", "LISTED"} {
		if err := SetSecret(ctx, cfg, n, []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := CheckSecrets(ctx, cfg, a); !errors.As(err, &me) || !slices.Equal(me.Names, []string{"UNREAD"}) {
		t.Errorf("with one left: %v", err)
	}
}

// Through the design: a secret referenced in env is checked too.
func TestCheckSecretsOfADesignWithReferences(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte(`name = "shop"
secrets = ["API_KEY", "DB_PASS"]
[processes.web]
image = "httpd"
port = 80
env = { TOKEN = "${secrets.API_KEY}", DSN = "mysql://u:${secrets.DB_PASS}@h/x" }
`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	users := SecretUsers(a)
	for _, n := range []string{"API_KEY", "DB_PASS"} {
		if !slices.Equal(users[n], []string{"web"}) {
			t.Errorf("users[%s] = %v", n, users[n])
		}
	}
}
