package aws

import (
	"context"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type dbSubnetGroupHandler struct{}

func (dbSubnetGroupHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeDBSubnetGroup, Service: arch.Database, DeleteRank: 8,
		ARNKinds: []string{"rds:subgrp"},
		Console:  func(s resource.Site) string { return console(s, "rds/home?region="+s.Region+"#db-subnet-groups-list:") },
		Lookup: func(s resource.Site) string {
			return "aws rds describe-db-subnet-groups --db-subnet-group-name " + s.Name() + " " + regionFlag(s)
		},
	}
}

func sgroupLive(typ string, g rdstypes.DBSubnetGroup, tags map[string]string) resource.Live {
	l := newLive(typ, str(g.DBSubnetGroupName), tags)
	l.ARN = str(g.DBSubnetGroupArn)
	l.State = str(g.SubnetGroupStatus)
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["vpc_id"] = str(g.VpcId)
	return l
}

func (h dbSubnetGroupHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := appPrefix(env.App)
	var out []resource.Live
	p := rds.NewDescribeDBSubnetGroupsPaginator(env.Clients.RDS, &rds.DescribeDBSubnetGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "DB subnet groups", err)
		}
		for _, g := range page.DBSubnetGroups {
			if !strings.HasPrefix(str(g.DBSubnetGroupName), prefix) {
				continue
			}
			t, err := env.Clients.RDS.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: g.DBSubnetGroupArn})
			if isCode(err, "DBSubnetGroupNotFoundFault") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(g.DBSubnetGroupName), err)
			}
			if tags := rdsTagMap(t.TagList); ours(env.App, tags) {
				out = append(out, sgroupLive(h.Describe().Type, g, tags))
			}
		}
	}
	return out, nil
}

func (h dbSubnetGroupHandler) subnets(env resource.Env, r arch.Resource, p arch.DBSubnetGroupProps) ([]string, error) {
	var out []string
	for _, s := range p.Subnets {
		id, err := depAttr(env, r.ID, s, "subnet_id")
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func (h dbSubnetGroupHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.DBSubnetGroupProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	subnets, err := h.subnets(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	res, err := env.Clients.RDS.CreateDBSubnetGroup(ctx, &rds.CreateDBSubnetGroupInput{
		DBSubnetGroupName: aws.String(name), DBSubnetGroupDescription: aws.String("mvi " + env.App + ": the database's private subnets"),
		SubnetIds: subnets, Tags: rdsTags(resource.Tags(env.App, r)),
	})
	if isCode(err, "DBSubnetGroupAlreadyExists") {
		return h.Update(ctx, env, r, resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: name, Attrs: map[string]string{"name": name}})
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return sgroupLive(h.Describe().Type, *res.DBSubnetGroup, resource.Tags(env.App, r)), nil
}

func (h dbSubnetGroupHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.DBSubnetGroupProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	subnets, err := h.subnets(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.RDS.ModifyDBSubnetGroup(ctx, &rds.ModifyDBSubnetGroupInput{
		DBSubnetGroupName: aws.String(live.PhysicalID), SubnetIds: subnets,
		DBSubnetGroupDescription: aws.String("mvi " + env.App + ": the database's private subnets"),
	})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.RDS.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: res.DBSubnetGroup.DBSubnetGroupArn, Tags: rdsTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	return sgroupLive(h.Describe().Type, *res.DBSubnetGroup, tags), nil
}

func (h dbSubnetGroupHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.RDS.DeleteDBSubnetGroup(ctx, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String(live.PhysicalID)})
	if isCode(err, "DBSubnetGroupNotFoundFault") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h dbSubnetGroupHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.RDS.DescribeDBSubnetGroups(ctx, &rds.DescribeDBSubnetGroupsInput{DBSubnetGroupName: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.DBSubnetGroups) == 0 {
		return false, "waiting for DB subnet group (not found)", nil
	}
	if st := str(res.DBSubnetGroups[0].SubnetGroupStatus); st != "" && st != "Complete" {
		return false, "waiting for DB subnet group (" + st + ")", nil
	}
	return true, "", nil
}
