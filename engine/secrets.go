package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Secrets are the values a person gives the names mvi.toml lists. Each
// lives only as an SSM SecureString at arch.SecretPath(app, NAME), where the
// task definitions point ECS (engine/aws/ecs_task_definition.go), tagged
// mvi:app and mvi:secret but never mvi:id: they are no designed resource,
// so a plan neither creates nor deletes them; `mvi secrets` and `mvi down`
// do.
//
// The key: a value is encrypted under the app's own key (alias/mvi/<app>)
// when it exists and is enabled. Before the first `up` there is no such key,
// yet `up` refuses to start until every secret has a value, so a secret set
// then goes under the account's AWS-managed SSM key (alias/aws/ssm), which
// every role of the account may decrypt through SSM: the containers read it
// all the same. SecretInfo.DefaultKey says which, `mvi secrets list` shows
// it, and setting the value again (or RekeySecrets) moves it under the app's
// key. `down --keep-secrets` moves kept values onto the default key first,
// since down schedules the app's key for deletion and a value under a
// deleted key is lost.

// DefaultSecretKey is the account's AWS-managed key for SSM.
const DefaultSecretKey = "alias/aws/ssm"

// MaxSecretBytes is the longest value a standard SSM parameter holds.
const MaxSecretBytes = 4096

// TagSecret names the secret a parameter holds.
const TagSecret = "mvi:secret"

// ErrSecretNotSet is wrapped when a secret asked for has no value.
var ErrSecretNotSet = errors.New("secret has no value")

var secretNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// SecretKeyAlias is the app's own key, which `up` creates.
func SecretKeyAlias(app string) string { return "alias/mvi/" + app }

// SecretInfo is what may be said of a secret: never its value.
type SecretInfo struct {
	Name    string    `json:"name"`
	Changed time.Time `json:"changed"`
	Version int64     `json:"version"`
	// Key is the KMS key the value is encrypted under, as SSM records it.
	Key string `json:"key"`
	// DefaultKey: under the account's alias/aws/ssm, not the app's key.
	DefaultKey bool `json:"default_key"`
}

// SecretError is a secrets call that failed, with what to do.
type SecretError struct {
	Op, App, Name string
	Err           error
	Advice        string
}

func (e *SecretError) Error() string {
	what := e.Op + " secret"
	if e.Name != "" {
		what += " " + e.Name
	} else {
		what += "s"
	}
	return resource.FixLine(fmt.Sprintf("%s of %s: %v", what, e.App, e.Err), e.Advice)
}

// Fix is what the person can do.
func (e *SecretError) Fix() string   { return e.Advice }
func (e *SecretError) Unwrap() error { return e.Err }

func secretErr(op string, cfg Config, name string, err error) error {
	e := &SecretError{Op: op, App: cfg.App, Name: name, Err: err}
	code := codeOf(err)
	switch {
	case strings.Contains(code, "AccessDenied") || strings.Contains(code, "Unauthorized"):
		e.Advice = "the credentials may not do this: they need ssm:PutParameter, ssm:GetParameters, ssm:DescribeParameters, ssm:DeleteParameter and ssm:AddTagsToResource on " +
			"arn:aws:ssm:*:*:parameter" + arch.SecretsPath(cfg.App) + "*, and kms:DescribeKey and kms:Encrypt on the app's key"
	case code == "InvalidKeyId" || strings.HasPrefix(code, "KMS") || strings.Contains(code, "Kms"):
		e.Advice = "the key " + SecretKeyAlias(cfg.App) + " can't be used now (disabled or being deleted?); `aws kms describe-key --key-id " + SecretKeyAlias(cfg.App) + "` says why"
	default:
		e.Advice = "nothing secret was shown or written anywhere else; try again, and `mvi secrets list` shows what is set"
	}
	return e
}

func checkSecretName(op string, cfg Config, name string) error {
	if secretNameRE.MatchString(name) {
		return nil
	}
	return &SecretError{Op: op, App: cfg.App, Name: fmt.Sprintf("%q", name),
		Err:    errors.New("not a secret name"),
		Advice: "a secret is named like an environment variable: letters, digits and _, not starting with a digit, as it is in mvi.toml's secrets"}
}

// CheckSecretName says whether name can name a secret.
func CheckSecretName(name string) error {
	if secretNameRE.MatchString(name) {
		return nil
	}
	return fmt.Errorf("%q is not a secret name: use letters, digits and _, not starting with a digit (API_TOKEN)", name)
}

// CheckSecretValue says whether v can be a secret's value.
func CheckSecretValue(v []byte) error {
	switch {
	case len(v) == 0:
		return errors.New("the value is empty")
	case len(v) > MaxSecretBytes:
		return fmt.Errorf("the value is %d bytes; SSM keeps at most %d in a standard parameter", len(v), MaxSecretBytes)
	case !utf8.Valid(v):
		return errors.New("the value is not UTF-8 text; SSM keeps text (base64-encode binary values)")
	}
	return nil
}

// SecretKey is the key a value set now goes under: the app's own key when
// it exists and is enabled (app true), else the account's default SSM key.
func SecretKey(ctx context.Context, cfg Config) (key string, app bool, err error) {
	var out *kms.DescribeKeyOutput
	gone := false
	err = retrying(ctx, cfg.retry(), func() error {
		var err error
		out, err = cfg.Clients.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(SecretKeyAlias(cfg.App))})
		if c := codeOf(err); c == "NotFoundException" || c == "NotFound" {
			gone = true
			return nil
		}
		return err
	}, nil)
	if err != nil {
		return "", false, secretErr("find the key for the", cfg, "", err)
	}
	if gone || out.KeyMetadata == nil || out.KeyMetadata.KeyState != kmstypes.KeyStateEnabled {
		return DefaultSecretKey, false, nil
	}
	return aws.ToString(out.KeyMetadata.Arn), true, nil
}

// SetSecret gives the secret name of cfg.App the value, as a new version
// of its SecureString. The value goes to SSM and nowhere else.
func SetSecret(ctx context.Context, cfg Config, name string, value []byte) error {
	if err := checkSecretName("set", cfg, name); err != nil {
		return err
	}
	if err := CheckSecretValue(value); err != nil {
		return &SecretError{Op: "set", App: cfg.App, Name: name, Err: err,
			Advice: "give a non-empty text value of at most 4096 bytes; a larger one belongs in the app's blob bucket"}
	}
	key, _, err := SecretKey(ctx, cfg)
	if err != nil {
		return err
	}
	return putSecret(ctx, cfg, name, string(value), key, 0)
}

// putSecret creates the parameter with its tags, or overwrites its value
// (SSM refuses tags with overwrite) and tags it again. sameAs, when not 0,
// is the version whose value this one copies (TagSameValue).
func putSecret(ctx context.Context, cfg Config, name, value, key string, sameAs int64) error {
	path := arch.SecretPath(cfg.App, name)
	tags := []ssmtypes.Tag{
		{Key: aws.String(resource.TagApp), Value: aws.String(cfg.App)},
		{Key: aws.String(TagSecret), Value: aws.String(name)},
	}
	desc := aws.String("mvi " + cfg.App + ": secret " + name + ", set with `mvi secrets set`; never shown")
	err := retrying(ctx, cfg.retry(), func() error {
		_, err := cfg.Clients.SSM.PutParameter(ctx, &ssm.PutParameterInput{
			Name: aws.String(path), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String(key),
			Description: desc, Tier: ssmtypes.ParameterTierStandard, Overwrite: aws.Bool(false), Tags: tags,
		})
		if !isExists(err) {
			return err
		}
		out, err := cfg.Clients.SSM.PutParameter(ctx, &ssm.PutParameterInput{
			Name: aws.String(path), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String(key),
			Description: desc, Tier: ssmtypes.ParameterTierStandard, Overwrite: aws.Bool(true),
		})
		if err != nil {
			return err
		}
		all := tags
		if sameAs > 0 {
			all = append(append([]ssmtypes.Tag(nil), tags...), ssmtypes.Tag{Key: aws.String(TagSameValue), Value: aws.String(sameValueTag(out.Version, sameAs))})
		}
		_, err = cfg.Clients.SSM.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
			ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(path), Tags: all,
		})
		return err
	}, nil)
	if err != nil {
		return secretErr("set", cfg, name, err)
	}
	return nil
}

// ListSecrets says which secrets of cfg.App have a value, by name.
func ListSecrets(ctx context.Context, cfg Config) ([]SecretInfo, error) {
	prefix := arch.SecretsPath(cfg.App)
	p := ssm.NewDescribeParametersPaginator(cfg.Clients.SSM, &ssm.DescribeParametersInput{
		MaxResults:       aws.Int32(50),
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{prefix}}},
	})
	var out []SecretInfo
	for p.HasMorePages() {
		var page *ssm.DescribeParametersOutput
		err := retrying(ctx, cfg.retry(), func() (err error) { page, err = p.NextPage(ctx); return err }, nil)
		if err != nil {
			return nil, secretErr("list", cfg, "", err)
		}
		for _, m := range page.Parameters {
			name := strings.TrimPrefix(aws.ToString(m.Name), prefix)
			if name == "" || strings.Contains(name, "/") {
				continue
			}
			key := aws.ToString(m.KeyId)
			out = append(out, SecretInfo{Name: name, Changed: aws.ToTime(m.LastModifiedDate), Version: m.Version,
				Key: key, DefaultKey: key == "" || key == DefaultSecretKey})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// UnsetSecret deletes the value of a secret; one that has none is an
// error wrapping ErrSecretNotSet.
func UnsetSecret(ctx context.Context, cfg Config, name string) error {
	if err := checkSecretName("unset", cfg, name); err != nil {
		return err
	}
	gone, err := deleteSecret(ctx, cfg, name)
	if err != nil {
		return err
	}
	if gone {
		return &SecretError{Op: "unset", App: cfg.App, Name: name, Err: ErrSecretNotSet,
			Advice: "nothing to do; `mvi secrets list` shows which secrets have a value"}
	}
	return nil
}

func deleteSecret(ctx context.Context, cfg Config, name string) (gone bool, err error) {
	err = retrying(ctx, cfg.retry(), func() error {
		_, err := cfg.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(arch.SecretPath(cfg.App, name))})
		if isNotFound(err) {
			gone = true
			return nil
		}
		return err
	}, nil)
	if err != nil {
		return false, secretErr("unset", cfg, name, err)
	}
	return gone, nil
}

// DeleteSecrets deletes every secret of cfg.App, as `mvi down` does, and
// names those it deleted.
func DeleteSecrets(ctx context.Context, cfg Config) ([]string, error) {
	list, err := ListSecrets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, s := range list {
		gone, err := deleteSecret(ctx, cfg, s.Name)
		if err != nil {
			return done, err
		}
		if !gone {
			done = append(done, s.Name)
		}
	}
	return done, nil
}

// MissingSecrets returns those of names that have no value, sorted. It
// reads no value: it lists the app's secrets, and asks once more, without
// decryption, for any the listing (eventually consistent) doesn't show.
func MissingSecrets(ctx context.Context, cfg Config, names []string) ([]string, error) {
	uniq := map[string]bool{}
	for _, n := range names {
		if err := checkSecretName("check", cfg, n); err != nil {
			return nil, err
		}
		uniq[n] = true
	}
	if len(uniq) == 0 {
		return nil, nil
	}
	list, err := ListSecrets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		delete(uniq, s.Name)
	}
	var missing []string
	for n := range uniq {
		gone := false
		err := retrying(ctx, cfg.retry(), func() error {
			_, err := cfg.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(arch.SecretPath(cfg.App, n)), WithDecryption: aws.Bool(false)})
			if isNotFound(err) {
				gone = true
				return nil
			}
			return err
		}, nil)
		if err != nil {
			return nil, secretErr("check", cfg, n, err)
		}
		if gone {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	return missing, nil
}

// SecretUsers maps each secret the design reads to the processes that
// read it, sorted. A secret is read three ways: by its own name
// (manifest secrets, TaskDefinitionProps.Secrets), by reference as a whole
// value (VAR = "${secrets.NAME}", SecretVars), and by reference inside a
// composed value (a ParameterProps.Template part "secrets.NAME", read by
// the processes whose Params name that parameter). A secret only a
// parameter no process reads references is listed with no processes.
func SecretUsers(a arch.Architecture) map[string][]string {
	users := map[string]map[string]bool{}
	use := func(secret, process string) {
		if users[secret] == nil {
			users[secret] = map[string]bool{}
		}
		if process != "" {
			users[secret][process] = true
		}
	}
	templates := map[string][]string{} // parameter id → secrets it references
	for _, r := range a.Resources {
		pp, ok := r.Props.(arch.ParameterProps)
		if !ok {
			continue
		}
		for _, ref := range pp.Template.Refs() {
			if n, ok := strings.CutPrefix(ref, secretRefPrefix); ok {
				templates[r.ID] = append(templates[r.ID], n)
				use(n, "")
			}
		}
	}
	for _, r := range a.Resources {
		td, ok := r.Props.(arch.TaskDefinitionProps)
		if !ok {
			continue
		}
		for _, s := range td.Secrets {
			use(s, td.Process)
		}
		for _, s := range td.SecretVars {
			use(s, td.Process)
		}
		for _, id := range td.Params {
			for _, s := range templates[id] {
				use(s, td.Process)
			}
		}
	}
	out := make(map[string][]string, len(users))
	for s, ps := range users {
		list := make([]string, 0, len(ps))
		for p := range ps {
			list = append(list, p)
		}
		sort.Strings(list)
		out[s] = list
	}
	return out
}

// secretRefPrefix starts a reference to a secret in a template.
const secretRefPrefix = "secrets."

// CheckSecrets is the check before any change: every secret the design
// reads has a value, or a *MissingSecretsError names those that don't.
func CheckSecrets(ctx context.Context, cfg Config, a arch.Architecture) error {
	users := SecretUsers(a)
	if len(users) == 0 {
		return nil
	}
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	missing, err := MissingSecrets(ctx, cfg, names)
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	e := &MissingSecretsError{App: cfg.App, Names: missing, Users: map[string][]string{}}
	for _, n := range missing {
		e.Users[n] = users[n]
	}
	return e
}

// MissingSecretsError is an apply refused before any change: containers
// can't start without these values (ECS: "invalid ssm parameters").
type MissingSecretsError struct {
	App   string
	Names []string            // sorted
	Users map[string][]string // secret → processes that read it
}

func (e *MissingSecretsError) Error() string {
	parts := make([]string, len(e.Names))
	for i, n := range e.Names {
		parts[i] = n
		if u := e.Users[n]; len(u) > 0 {
			parts[i] += " (read by " + strings.Join(u, ", ") + ")"
		}
	}
	noun := "secret has"
	if len(e.Names) != 1 {
		noun = "secrets have"
	}
	return resource.FixLine(fmt.Sprintf("%s: %d %s no value, so its containers could not start: %s; nothing was changed",
		e.App, len(e.Names), noun, strings.Join(parts, ", ")), e.Fix())
}

// Fix names the command that sets each.
func (e *MissingSecretsError) Fix() string {
	cmds := make([]string, len(e.Names))
	for i, n := range e.Names {
		cmds[i] = "`mvi secrets set " + n + "`"
	}
	return "set " + strings.Join(cmds, " and ") + " (it asks for the value without showing it, or reads it from stdin), then try again"
}

// RekeySecrets moves every secret of cfg.App whose key is not the target
// under it: the app's key (onAppKey; nothing moves while it doesn't exist)
// or the account's default SSM key. Each value is read and written back
// in memory, as a new version, and shown nowhere. It names what it moved.
func RekeySecrets(ctx context.Context, cfg Config, onAppKey bool) ([]string, error) {
	target := DefaultSecretKey
	if onAppKey {
		key, ok, err := SecretKey(ctx, cfg)
		if err != nil || !ok {
			return nil, err
		}
		target = key
	}
	list, err := ListSecrets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	versions, err := valueVersions(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var moved []string
	for _, s := range list {
		if onAppKey && (s.Key == target || s.Key == SecretKeyAlias(cfg.App)) || !onAppKey && s.DefaultKey {
			continue
		}
		var out *ssm.GetParameterOutput
		gone := false
		err := retrying(ctx, cfg.retry(), func() (err error) {
			out, err = cfg.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(arch.SecretPath(cfg.App, s.Name)), WithDecryption: aws.Bool(true)})
			if isNotFound(err) {
				gone = true
				return nil
			}
			return err
		}, nil)
		if err != nil {
			return moved, secretErr("read", cfg, s.Name, err)
		}
		if gone || out.Parameter == nil {
			continue
		}
		// The version of the value read: the listed one's, unless it was
		// set again since the listing.
		of := out.Parameter.Version
		if v, ok := versions[s.Name]; ok && of == s.Version {
			of = v
		}
		// The same value, so what reads it needs no restart.
		if err := putSecret(ctx, cfg, s.Name, aws.ToString(out.Parameter.Value), target, of); err != nil {
			return moved, err
		}
		moved = append(moved, s.Name)
	}
	return moved, nil
}
