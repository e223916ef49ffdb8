package aws

import (
	"context"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// mountTargetHandler: mount targets take no tags, so the file system
// carries the record "mvi:mount:<subnet id>" = "<logical id>@<hash>" (EFS
// allows one mount target per zone, so the subnet names it).
type mountTargetHandler struct{}

func (mountTargetHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeMountTarget, Service: arch.SharedFS, DeleteRank: 7,
		ARNKinds: []string{"elasticfilesystem:file-system"},
		Console:  func(s resource.Site) string { return console(s, "efs/home?region="+s.Region+"#/file-systems") },
		Lookup: func(s resource.Site) string {
			return "aws efs describe-mount-targets --mount-target-id " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

func mountRecordKey(subnet string) string { return "mvi:mount:" + subnet }

func mtLive(typ string, m efstypes.MountTargetDescription) resource.Live {
	l := resource.Live{Type: typ, PhysicalID: str(m.MountTargetId), State: string(m.LifeCycleState), Attrs: map[string]string{
		"mount_target_id": str(m.MountTargetId),
		"file_system_id":  str(m.FileSystemId),
		"subnet_id":       str(m.SubnetId),
		"ip_address":      str(m.IpAddress),
		"zone":            str(m.AvailabilityZoneName),
	}}
	return l
}

func (h mountTargetHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	fss, err := appFileSystems(ctx, env)
	if err != nil {
		return nil, wrap("list", "EFS file systems", err)
	}
	var out []resource.Live
	for _, f := range fss {
		tags := efsTagMap(f.Tags)
		p := efs.NewDescribeMountTargetsPaginator(env.Clients.EFS, &efs.DescribeMountTargetsInput{FileSystemId: f.FileSystemId})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if isCode(err, "FileSystemNotFound") {
				break
			}
			if err != nil {
				return nil, wrap("list", "mount targets of "+str(f.FileSystemId), err)
			}
			for _, m := range page.MountTargets {
				if m.LifeCycleState == efstypes.LifeCycleStateDeleted || m.LifeCycleState == efstypes.LifeCycleStateDeleting {
					continue
				}
				id, hash, ok := parseRecord(tags[mountRecordKey(str(m.SubnetId))])
				if !ok {
					continue
				}
				l := mtLive(h.Describe().Type, m)
				l.ID, l.Hash = id, hash
				out = append(out, l)
			}
		}
	}
	return out, nil
}

func (h mountTargetHandler) refs(env resource.Env, r arch.Resource, p arch.MountTargetProps) (fs, subnet, sg string, err error) {
	if fs, err = depAttr(env, r.ID, p.FileSystem, "file_system_id"); err != nil {
		return
	}
	if subnet, err = depAttr(env, r.ID, p.Subnet, "subnet_id"); err != nil {
		return
	}
	sg, err = depAttr(env, r.ID, p.SecurityGroup, "group_id")
	return
}

func (h mountTargetHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.MountTargetProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	fs, subnet, sg, err := h.refs(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.EFS.CreateMountTarget(ctx, &efs.CreateMountTargetInput{
		FileSystemId: aws.String(fs), SubnetId: aws.String(subnet), SecurityGroups: []string{sg},
	})
	var live resource.Live
	switch {
	case isCode(err, "MountTargetConflict"):
		// A retried create: find the one in this subnet and converge it.
		d, derr := env.Clients.EFS.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{FileSystemId: aws.String(fs)})
		if derr != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		for _, m := range d.MountTargets {
			if str(m.SubnetId) == subnet {
				live = mtLive(h.Describe().Type, m)
			}
		}
		if live.PhysicalID == "" {
			return resource.Live{}, wrap("create", r.ID, err)
		}
	case err != nil:
		return resource.Live{}, wrap("create", r.ID, err)
	default:
		live = mtLive(h.Describe().Type, efstypes.MountTargetDescription{
			MountTargetId: res.MountTargetId, FileSystemId: res.FileSystemId, SubnetId: res.SubnetId,
			IpAddress: res.IpAddress, AvailabilityZoneName: res.AvailabilityZoneName, LifeCycleState: res.LifeCycleState,
		})
	}
	live.ID = r.ID
	return h.Update(ctx, env, r, live)
}

func (h mountTargetHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.MountTargetProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	fs, subnet, sg, err := h.refs(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["file_system_id"] != fs || live.Attrs["subnet_id"] != subnet {
		return resource.Live{}, resource.ErrReplace
	}
	if _, err := env.Clients.EFS.ModifyMountTargetSecurityGroups(ctx, &efs.ModifyMountTargetSecurityGroupsInput{
		MountTargetId: aws.String(live.PhysicalID), SecurityGroups: []string{sg}}); err != nil && !isCode(err, "IncorrectMountTargetState") {
		return resource.Live{}, wrap("set security group of", r.ID, err)
	}
	hash := arch.Hash(r.Props)
	if _, err := env.Clients.EFS.TagResource(ctx, &efs.TagResourceInput{ResourceId: aws.String(fs), Tags: []efstypes.Tag{
		{Key: aws.String(mountRecordKey(subnet)), Value: aws.String(recordValue(r.ID, hash))},
	}}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.ID, live.Hash = r.ID, hash
	return live, nil
}

func (h mountTargetHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.EFS.DeleteMountTarget(ctx, &efs.DeleteMountTargetInput{MountTargetId: aws.String(live.PhysicalID)})
	if isCode(err, "MountTargetNotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h mountTargetHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.EFS.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{MountTargetId: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(d.MountTargets) == 0 || d.MountTargets[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		st := "not found"
		if len(d.MountTargets) > 0 {
			st = string(d.MountTargets[0].LifeCycleState)
		}
		return false, "waiting for mount target (" + st + ")", nil
	}
	return true, "", nil
}
