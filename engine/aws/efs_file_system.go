package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type fileSystemHandler struct{}

func (fileSystemHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeFileSystem, Service: arch.SharedFS, DeleteRank: 8, HoldsData: true,
		ARNKinds: []string{"elasticfilesystem:file-system"},
		Console: func(s resource.Site) string {
			return console(s, "efs/home?region="+s.Region+"#/file-systems/"+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws efs describe-file-systems --file-system-id " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

func efsTags(m map[string]string) []efstypes.Tag {
	return toSDK(m, func(k, v *string) efstypes.Tag { return efstypes.Tag{Key: k, Value: v} })
}

func efsTagMap(tags []efstypes.Tag) map[string]string {
	return fromSDK(tags, func(t efstypes.Tag) (*string, *string) { return t.Key, t.Value })
}

func fsLive(typ string, f efstypes.FileSystemDescription) resource.Live {
	l := newLive(typ, str(f.FileSystemId), efsTagMap(f.Tags))
	l.ARN = str(f.FileSystemArn)
	l.State = string(f.LifeCycleState)
	l.Attrs["file_system_id"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["encrypted"] = fmt.Sprint(boolv(f.Encrypted))
	l.Attrs["kms_key"] = str(f.KmsKeyId)
	return l
}

// appFileSystems pages every file system (they carry their tags) and keeps
// the app's, skipping deleted ones.
func appFileSystems(ctx context.Context, env resource.Env) ([]efstypes.FileSystemDescription, error) {
	var out []efstypes.FileSystemDescription
	p := efs.NewDescribeFileSystemsPaginator(env.Clients.EFS, &efs.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range page.FileSystems {
			if f.LifeCycleState == efstypes.LifeCycleStateDeleted || f.LifeCycleState == efstypes.LifeCycleStateDeleting {
				continue
			}
			if efsTagMap(f.Tags)[resource.TagApp] == env.App {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func (h fileSystemHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	fss, err := appFileSystems(ctx, env)
	if err != nil {
		return nil, wrap("list", "EFS file systems", err)
	}
	var out []resource.Live
	for _, f := range fss {
		if ours(env.App, efsTagMap(f.Tags)) {
			out = append(out, fsLive(h.Describe().Type, f))
		}
	}
	return out, nil
}

// creationToken makes CreateFileSystem idempotent: a retried create returns
// the file system the first call made.
func creationToken(app, id string) string { return fit("mvi-"+app+"-"+clean(id), 64) }

func (h fileSystemHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.FileSystemProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.EFS.CreateFileSystem(ctx, &efs.CreateFileSystemInput{
		CreationToken:   aws.String(creationToken(env.App, r.ID)),
		Encrypted:       aws.Bool(true),
		KmsKeyId:        aws.String(key),
		PerformanceMode: efstypes.PerformanceModeGeneralPurpose,
		ThroughputMode:  efstypes.ThroughputModeBursting,
		Tags:            efsTags(withName(resource.Tags(env.App, r), arch.PhysicalName(env.App, r.ID))),
	})
	if isCode(err, "FileSystemAlreadyExists") {
		d, derr := env.Clients.EFS.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{CreationToken: aws.String(creationToken(env.App, r.ID))})
		if derr != nil || len(d.FileSystems) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		return h.Update(ctx, env, r, fsLive(h.Describe().Type, d.FileSystems[0]))
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: str(res.FileSystemId), ARN: str(res.FileSystemArn),
		State: string(res.LifeCycleState), Hash: arch.Hash(r.Props), Attrs: map[string]string{
			"file_system_id": str(res.FileSystemId), "arn": str(res.FileSystemArn),
			"encrypted": fmt.Sprint(boolv(res.Encrypted)), "kms_key": str(res.KmsKeyId),
		}}, nil
}

// Update: encryption and its key are fixed at creation.
func (h fileSystemHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.FileSystemProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["encrypted"] == "false" || (live.Attrs["kms_key"] != "" && !sameKey(live.Attrs["kms_key"], key)) {
		return resource.Live{}, resource.ErrReplace
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.EFS.TagResource(ctx, &efs.TagResourceInput{ResourceId: aws.String(live.PhysicalID), Tags: efsTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = tags[resource.TagHash]
	return live, nil
}

// sameKey compares a key as a service reports it (id or ARN) with a key ARN.
func sameKey(reported, arn string) bool {
	return reported == arn || strings.HasSuffix(arn, "/"+reported)
}

func (h fileSystemHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.EFS.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String(live.PhysicalID)})
	if isCode(err, "FileSystemNotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h fileSystemHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.EFS.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(d.FileSystems) == 0 || d.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		st := "not found"
		if len(d.FileSystems) > 0 {
			st = string(d.FileSystems[0].LifeCycleState)
		}
		return false, "waiting for file system (" + st + ")", nil
	}
	return true, "", nil
}
