package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Changing a secret's value must restart what reads it: ECS reads a
// secret only when a container starts and never notices a new version.
// So the plan pins each task definition (and each composed parameter) to
// the versions of the secrets it reads; a new value is a new revision and
// a rolling deployment. Only version numbers are read, never a value.
//
// Moving a value under another key (RekeySecrets) makes a new SSM version
// of the same value; that must not restart anything. The move tags the
// parameter TagSameValue = "<new version>:<version it copies>", and the
// version of the value is the copied one while the parameter's version is
// still the new one. A value set again later is a newer version, so the
// tag no longer applies.

// TagSameValue marks a version that holds the value of an earlier one.
const TagSameValue = "mvi:same-value"

// valueVersions is the version of each secret's value, by name.
func valueVersions(ctx context.Context, cfg Config) (map[string]int64, error) {
	list, err := ListSecrets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(list))
	for _, s := range list {
		var tags *ssm.ListTagsForResourceOutput
		err := retrying(ctx, cfg.retry(), func() (err error) {
			tags, err = cfg.Clients.SSM.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{
				ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: sdkaws.String(arch.SecretPath(cfg.App, s.Name))})
			return err
		}, nil)
		if isNotFound(err) {
			continue // unset since the listing
		}
		if err != nil {
			return nil, secretErr("read the version of", cfg, s.Name, err)
		}
		out[s.Name] = s.Version
		for _, t := range tags.TagList {
			if sdkaws.ToString(t.Key) == TagSameValue {
				if at, of, ok := parseSameValue(sdkaws.ToString(t.Value)); ok && at == s.Version {
					out[s.Name] = of
				}
			}
		}
	}
	return out, nil
}

func parseSameValue(v string) (at, of int64, ok bool) {
	a, b, found := strings.Cut(v, ":")
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	return x, y, found && err1 == nil && err2 == nil && y > 0 && y < x
}

func sameValueTag(at, of int64) string { return fmt.Sprintf("%d:%d", at, of) }

// pinSecretVersions returns a copy of a whose task definitions and
// composed parameters carry the versions of the secrets they read, and
// whose services roll out the task definitions so changed. A secret with
// no value has no version (CheckSecrets stops the apply before it).
func pinSecretVersions(a arch.Architecture, versions map[string]int64) arch.Architecture {
	pick := func(names []string) arch.SecretVersions {
		var out arch.SecretVersions
		for _, n := range names {
			if v, ok := versions[n]; ok {
				if out == nil {
					out = arch.SecretVersions{}
				}
				out[n] = v
			}
		}
		return out
	}
	a.Resources = append([]arch.Resource(nil), a.Resources...)
	templates := map[string][]string{}
	for i, r := range a.Resources {
		pp, ok := r.Props.(arch.ParameterProps)
		if !ok {
			continue
		}
		for _, ref := range pp.Template.Refs() {
			if n, ok := strings.CutPrefix(ref, secretRefPrefix); ok {
				templates[r.ID] = append(templates[r.ID], n)
			}
		}
		if names := templates[r.ID]; len(names) > 0 {
			pp.SecretVersions = pick(names)
			a.Resources[i].Props = pp
		}
	}
	for i, r := range a.Resources {
		td, ok := r.Props.(arch.TaskDefinitionProps)
		if !ok {
			continue
		}
		names := append([]string(nil), td.Secrets...)
		for _, s := range td.SecretVars {
			names = append(names, s)
		}
		for _, id := range td.Params {
			names = append(names, templates[id]...)
		}
		td.SecretVersions = pick(names)
		a.Resources[i].Props = td
	}
	return rollOut(a)
}

// rollOut points every service's release at its task definition as it is
// now, after a pin changed the task definition: a new revision is a new
// release, rolled out.
func rollOut(a arch.Architecture) arch.Architecture {
	release := map[string]string{}
	for _, r := range a.Resources {
		if td, ok := r.Props.(arch.TaskDefinitionProps); ok {
			release[r.ID] = arch.Hash(td)
		}
	}
	for i, r := range a.Resources {
		if sp, ok := r.Props.(arch.ServiceProps); ok {
			if h, ok := release[sp.TaskDefinition]; ok {
				sp.Release = h
				a.Resources[i].Props = sp
			}
		}
	}
	return a
}

// withSecretVersions is a pinned to what SSM holds now, when it reads
// any secret.
func withSecretVersions(ctx context.Context, cfg Config, a arch.Architecture) (arch.Architecture, error) {
	if len(SecretUsers(a)) == 0 {
		return a, nil
	}
	v, err := valueVersions(ctx, cfg)
	if err != nil {
		return arch.Architecture{}, err
	}
	return pinSecretVersions(a, v), nil
}
