package aws

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/resource"
)

// builtImage makes sure a built process's image exists before a revision
// names it: the build id (and image tag) comes from the source digest the
// plan read, so an unchanged directory is never built twice, and a changed
// one is built, pushed and recorded here, as the first step of its
// release.
func builtImage(ctx context.Context, env resource.Env, r arch.Resource, p arch.TaskDefinitionProps) (string, error) {
	if p.Source == "" {
		return "", fmt.Errorf("%s: builds %s but the plan read no source digest of it; make the plan again", r.ID, p.Build)
	}
	im, err := imageOf(env, r, p)
	if err != nil {
		return "", err
	}
	ref, _, err := im.Ensure(ctx)
	return ref, err
}

// imageOf is the build of p, as the release package asks for it.
func imageOf(env resource.Env, r arch.Resource, p arch.TaskDefinitionProps) (release.Image, error) {
	repo, err := depAttr(env, r.ID, p.Repository, "name")
	if err != nil {
		return release.Image{}, err
	}
	uri, err := depAttr(env, r.ID, p.Repository, "uri")
	if err != nil {
		return release.Image{}, err
	}
	table, err := depAttr(env, r.ID, p.Records, "name")
	if err != nil {
		return release.Image{}, err
	}
	bucket, err := depAttr(env, r.ID, p.Logs, "name")
	if err != nil {
		return release.Image{}, err
	}
	cluster, err := clusterBuilder(env, r, p)
	if err != nil {
		return release.Image{}, err
	}
	return release.Image{
		ECR: env.Clients.ECR, Transport: env.Clients.Registry, Cluster: cluster,
		Store:      release.Store{DB: env.Clients.DynamoDB, Blob: env.Clients.S3, Table: table, Bucket: bucket},
		Repository: repo, URI: uri, Process: p.Process, Source: p.Source,
		Dir: filepath.Join(env.Dir, filepath.FromSlash(p.Build)), Dockerfile: p.Dockerfile, Say: env.Say, Now: env.Clock, Exec: env.Exec,
		Use: func(s release.Service) { env.Use(buildDep(p, s)) },
	}, nil
}

// buildDep is the resource behind each service a build uses, so the
// picture lights the Registry, Blob or KV box the build works with.
func buildDep(p arch.TaskDefinitionProps, s release.Service) string {
	switch s {
	case release.UseLogs:
		return p.Logs
	case release.UseRecords:
		return p.Records
	}
	return p.Repository
}

// clusterBuilder is the build box on the app's own cluster, when the
// plan asked for it by making the task definition wait for the cluster's
// capacity (engine withSources: a Dockerfile that runs programs, and no
// builder on this machine); nil otherwise.
func clusterBuilder(env resource.Env, r arch.Resource, p arch.TaskDefinitionProps) (*release.ClusterBuilder, error) {
	if _, ok := env.Deps[arch.IDClusterCapacity]; !ok {
		return nil, nil
	}
	get := func(id, attr string) (string, error) { return depAttr(env, r.ID, id, attr) }
	cluster, err := get(arch.IDCluster, "name")
	if err != nil {
		return nil, err
	}
	cp, err := get(arch.IDCapacityProvider, "name")
	if err != nil {
		return nil, err
	}
	key, err := get(arch.IDKey, "arn")
	if err != nil {
		return nil, err
	}
	exec, err := get(p.ExecutionRole, "arn")
	if err != nil {
		return nil, err
	}
	group, err := get(p.LogGroup, "name")
	if err != nil {
		return nil, err
	}
	return &release.ClusterBuilder{ECS: env.Clients.ECS, SSM: env.Clients.SSM, Logs: env.Clients.Logs, Presign: env.Clients.PresignGet,
		App: env.App, Region: env.Region, Cluster: cluster, CapacityProvider: cp, ExecutionRole: exec, LogGroup: group, Key: key, Sleep: env.Sleep}, nil
}
