package sandbox

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func (t *tx) subnetGroup(name string) (*rdsSubnetGroup, error) {
	g := t.r.RDS.SubnetGroups[strings.ToLower(name)]
	if g == nil || t.hidden(g.Created) {
		return nil, subnetGroupNotFound(name)
	}
	return g, nil
}

// groupSubnets validates the subnets of a group: they exist, share a VPC
// and cover at least two zones.
func (t *tx) groupSubnets(ids []string) ([]*subnet, string, error) {
	if len(ids) == 0 {
		return nil, "", errf("InvalidParameterValue", "Subnet IDs are required.")
	}
	if len(ids) > 20 {
		return nil, "", &rdstypes.DBSubnetQuotaExceededFault{Message: aws.String("The request would result in the user exceeding the allowed number of subnets in a DB subnet groups.")}
	}
	var out []*subnet
	seen := map[string]bool{}
	var bad []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		s := t.r.EC2.Subnets[id]
		if s == nil || t.hidden(s.Created) {
			bad = append(bad, id)
			continue
		}
		out = append(out, s)
	}
	if len(bad) > 0 {
		return nil, "", &rdstypes.InvalidSubnet{Message: aws.String("Some input subnets in :[" + strings.Join(bad, ", ") + "] are invalid.")}
	}
	vpcID := out[0].VPC
	zs := map[string]bool{}
	for _, s := range out {
		if s.VPC != vpcID {
			return nil, "", &rdstypes.InvalidSubnet{Message: aws.String("Subnets in a DB subnet group must be in the same VPC: " + s.ID + " is in " + s.VPC + ", " + out[0].ID + " in " + vpcID + ".")}
		}
		zs[s.AZ] = true
	}
	if len(zs) < 2 {
		return nil, "", &rdstypes.DBSubnetGroupDoesNotCoverEnoughAZs{Message: aws.String("The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: " +
			strings.Join(sortedKeys(zs), ", ") + ". Add subnets to cover at least 2 AZs.")}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, vpcID, nil
}

func (t *tx) subnetGroupOut(g *rdsSubnetGroup) *rdstypes.DBSubnetGroup {
	out := &rdstypes.DBSubnetGroup{
		DBSubnetGroupName: aws.String(g.Name), DBSubnetGroupDescription: aws.String(g.Description), VpcId: aws.String(g.VPC),
		SubnetGroupStatus: aws.String("Complete"), SupportedNetworkTypes: []string{"IPV4"}, Subnets: []rdstypes.Subnet{},
	}
	if g.ARN != "" {
		out.DBSubnetGroupArn = aws.String(g.ARN)
	}
	for _, id := range g.Subnets {
		sn := rdstypes.Subnet{SubnetIdentifier: aws.String(id), SubnetOutpost: &rdstypes.Outpost{}, SubnetStatus: aws.String("Active")}
		if s := t.r.EC2.Subnets[id]; s != nil {
			sn.SubnetAvailabilityZone = &rdstypes.AvailabilityZone{Name: aws.String(s.AZ)}
		} else {
			sn.SubnetStatus = aws.String("Inactive")
		}
		out.Subnets = append(out.Subnets, sn)
	}
	return out
}

// defaultSubnetGroup is the implicit "default" group of the default VPC.
func (t *tx) defaultSubnetGroup() *rdsSubnetGroup {
	v := t.defaultVPC()
	if v == nil {
		return nil
	}
	g := &rdsSubnetGroup{Name: "default", Description: "default", VPC: v.ID}
	for _, id := range sortedKeys(t.r.EC2.Subnets) {
		if s := t.r.EC2.Subnets[id]; s.VPC == v.ID {
			g.Subnets = append(g.Subnets, id)
		}
	}
	return g
}

func (a *rdsAPI) CreateDBSubnetGroup(ctx context.Context, in *rds.CreateDBSubnetGroupInput, _ ...func(*rds.Options)) (*rds.CreateDBSubnetGroupOutput, error) {
	return call(ctx, a.s, svcRDS, "CreateDBSubnetGroup", func(t *tx) (*rds.CreateDBSubnetGroupOutput, error) {
		name := aws.ToString(in.DBSubnetGroupName)
		if name == "" || len(name) > 255 || !rdsGroupRE.MatchString(name) {
			return nil, errf("InvalidParameterValue", "The parameter DBSubnetGroupName is not a valid identifier. It must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens.")
		}
		key := strings.ToLower(name)
		if key == "default" {
			return nil, errf("InvalidParameterValue", "DBSubnetGroupName must not be 'default'.")
		}
		if in.DBSubnetGroupDescription == nil {
			return nil, errf("InvalidParameterValue", "The parameter DBSubnetGroupDescription must be provided.")
		}
		if t.r.RDS.SubnetGroups[key] != nil {
			return nil, &rdstypes.DBSubnetGroupAlreadyExistsFault{Message: aws.String("The DB subnet group '" + key + "' already exists.")}
		}
		subnets, vpcID, err := t.groupSubnets(in.SubnetIds)
		if err != nil {
			return nil, err
		}
		tags, err := rdsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if len(t.r.RDS.SubnetGroups) >= 150 {
			return nil, &rdstypes.DBSubnetGroupQuotaExceededFault{Message: aws.String("The request would result in the user exceeding the allowed number of DB subnet groups.")}
		}
		g := &rdsSubnetGroup{Meta: Meta{ID: key, ARN: t.rdsARN(rdsTypeSubnetGroup, key), Created: t.now},
			Name: key, Description: aws.ToString(in.DBSubnetGroupDescription), VPC: vpcID}
		for _, s := range subnets {
			g.Subnets = append(g.Subnets, s.ID)
		}
		if err := setRDSTags(&g.Meta, tags); err != nil {
			return nil, err
		}
		t.r.RDS.SubnetGroups[key] = g
		return &rds.CreateDBSubnetGroupOutput{DBSubnetGroup: t.subnetGroupOut(g)}, nil
	})
}

func (a *rdsAPI) ModifyDBSubnetGroup(ctx context.Context, in *rds.ModifyDBSubnetGroupInput, _ ...func(*rds.Options)) (*rds.ModifyDBSubnetGroupOutput, error) {
	return call(ctx, a.s, svcRDS, "ModifyDBSubnetGroup", func(t *tx) (*rds.ModifyDBSubnetGroupOutput, error) {
		g, err := t.subnetGroup(aws.ToString(in.DBSubnetGroupName))
		if err != nil {
			return nil, err
		}
		subnets, vpcID, err := t.groupSubnets(in.SubnetIds)
		if err != nil {
			return nil, err
		}
		keep := map[string]bool{}
		for _, s := range subnets {
			keep[s.ID] = true
		}
		for _, id := range sortedKeys(t.r.RDS.Instances) {
			db := t.r.RDS.Instances[id]
			if db.SubnetGroup != g.Name {
				continue
			}
			if vpcID != g.VPC {
				return nil, &rdstypes.InvalidDBSubnetGroupStateFault{Message: aws.String("The DB subnet group '" + g.Name + "' is in use by DB instance " + db.ID + " and can't move to another VPC.")}
			}
			for _, e := range t.r.EC2.ENIs {
				if e.Owner == db.ARN && e.ReleaseAt.IsZero() && !keep[e.Subnet] {
					return nil, &rdstypes.SubnetAlreadyInUse{Message: aws.String("The DB subnet " + e.Subnet + " is already in use by DB instance " + db.ID + ".")}
				}
			}
		}
		g.VPC, g.Subnets = vpcID, nil
		for _, s := range subnets {
			g.Subnets = append(g.Subnets, s.ID)
		}
		if in.DBSubnetGroupDescription != nil {
			g.Description = *in.DBSubnetGroupDescription
		}
		return &rds.ModifyDBSubnetGroupOutput{DBSubnetGroup: t.subnetGroupOut(g)}, nil
	})
}

func (a *rdsAPI) DeleteDBSubnetGroup(ctx context.Context, in *rds.DeleteDBSubnetGroupInput, _ ...func(*rds.Options)) (*rds.DeleteDBSubnetGroupOutput, error) {
	return call(ctx, a.s, svcRDS, "DeleteDBSubnetGroup", func(t *tx) (*rds.DeleteDBSubnetGroupOutput, error) {
		name := aws.ToString(in.DBSubnetGroupName)
		if strings.EqualFold(name, "default") {
			return nil, &rdstypes.InvalidDBSubnetGroupStateFault{Message: aws.String("Cannot delete the default subnet group.")}
		}
		g, err := t.subnetGroup(name)
		if err != nil {
			return nil, err
		}
		for _, id := range sortedKeys(t.r.RDS.Instances) {
			if t.r.RDS.Instances[id].SubnetGroup == g.Name {
				return nil, &rdstypes.InvalidDBSubnetGroupStateFault{Message: aws.String("Cannot delete the subnet group '" + g.Name + "' because at least one database instance: " + id + " is still using it.")}
			}
		}
		delete(t.r.RDS.SubnetGroups, g.Name)
		return &rds.DeleteDBSubnetGroupOutput{}, nil
	})
}

func (a *rdsAPI) DescribeDBSubnetGroups(ctx context.Context, in *rds.DescribeDBSubnetGroupsInput, _ ...func(*rds.Options)) (*rds.DescribeDBSubnetGroupsOutput, error) {
	return call(ctx, a.s, svcRDS, "DescribeDBSubnetGroups", func(t *tx) (*rds.DescribeDBSubnetGroupsOutput, error) {
		limit, err := rdsMaxRecords(in.MaxRecords)
		if err != nil {
			return nil, err
		}
		var all []rdstypes.DBSubnetGroup
		if n := aws.ToString(in.DBSubnetGroupName); n != "" {
			if strings.EqualFold(n, "default") {
				if g := t.defaultSubnetGroup(); g != nil {
					all = append(all, *t.subnetGroupOut(g))
				}
			} else {
				g, err := t.subnetGroup(n)
				if err != nil {
					return nil, err
				}
				all = append(all, *t.subnetGroupOut(g))
			}
		} else {
			for _, k := range sortedKeys(t.r.RDS.SubnetGroups) {
				if g := t.r.RDS.SubnetGroups[k]; !t.hidden(g.Created) {
					all = append(all, *t.subnetGroupOut(g))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, errf("InvalidParameterValue", "The marker is not valid.")
		}
		return &rds.DescribeDBSubnetGroupsOutput{DBSubnetGroups: items, Marker: next}, nil
	})
}
