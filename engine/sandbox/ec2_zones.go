package sandbox

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func (a *ec2API) DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, _ ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeAvailabilityZones", func(t *tx) (*ec2.DescribeAvailabilityZonesOutput, error) {
		rn := t.regionName()
		zf := func(z string) fields {
			return fields{"zone-name": {z}, "zone-id": {zoneID(rn, z)}, "state": {"available"}, "region-name": {rn},
				"zone-type": {"availability-zone"}, "group-name": {rn}, "opt-in-status": {"opt-in-not-required"}, "network-border-group": {rn}}
		}
		if err := checkFilters(in.Filters, zf(rn+"a")); err != nil {
			return nil, err
		}
		zs := zones(rn)
		valid := map[string]bool{}
		for _, z := range zs {
			valid[z] = true
			valid[zoneID(rn, z)] = true
		}
		for _, z := range append(append([]string{}, in.ZoneNames...), in.ZoneIds...) {
			if !valid[z] {
				return nil, errf("InvalidParameterValue", "The zone '%s' does not exist.", z)
			}
		}
		names, ids := newIDSet(in.ZoneNames), newIDSet(in.ZoneIds)
		var out []ec2types.AvailabilityZone
		for _, z := range zs {
			if !names.has(z) || !ids.has(zoneID(rn, z)) || !matchFilters(in.Filters, nil, zf(z)) {
				continue
			}
			out = append(out, ec2types.AvailabilityZone{
				ZoneName: aws.String(z), ZoneId: aws.String(zoneID(rn, z)), RegionName: aws.String(rn),
				State: ec2types.AvailabilityZoneStateAvailable, ZoneType: aws.String("availability-zone"),
				OptInStatus: ec2types.AvailabilityZoneOptInStatusOptInNotRequired, GroupName: aws.String(rn),
				NetworkBorderGroup: aws.String(rn), Messages: []ec2types.AvailabilityZoneMessage{},
			})
		}
		sort.Slice(out, func(i, j int) bool { return *out[i].ZoneName < *out[j].ZoneName })
		return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: out}, nil
	})
}
