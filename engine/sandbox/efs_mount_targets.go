package sandbox

import (
	"context"
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
)

// efsGroups validates mount target security groups for a VPC (default:
// the VPC's default group).
func (t *tx) efsGroups(ids []string, vpcID string) ([]string, error) {
	if len(ids) > 5 {
		return nil, &efstypes.SecurityGroupLimitExceeded{Message: aws.String("A mount target can have at most 5 security groups."), ErrorCode_: aws.String("SecurityGroupLimitExceeded")}
	}
	if len(ids) == 0 {
		if d := t.defaultGroupOf(vpcID); d != "" {
			return []string{d}, nil
		}
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		g := t.r.EC2.SecurityGroups[id]
		if g == nil || t.hidden(g.Created) || g.VPC != vpcID {
			return nil, &efstypes.SecurityGroupNotFound{Message: aws.String("The security group '" + id + "' does not exist in VPC '" + vpcID + "'."), ErrorCode_: aws.String("SecurityGroupNotFound")}
		}
		out = append(out, id)
	}
	return out, nil
}

func (a *efsAPI) CreateMountTarget(ctx context.Context, in *efs.CreateMountTargetInput, _ ...func(*efs.Options)) (*efs.CreateMountTargetOutput, error) {
	return call(ctx, a.s, svcEFS, "CreateMountTarget", func(t *tx) (*efs.CreateMountTargetOutput, error) {
		f, err := t.fileSystem(aws.ToString(in.FileSystemId))
		if err != nil {
			return nil, err
		}
		if st := t.fsState(f); st != efstypes.LifeCycleStateAvailable {
			return nil, efsFSState(f.ID, st)
		}
		sid := aws.ToString(in.SubnetId)
		s := t.r.EC2.Subnets[sid]
		if s == nil || t.hidden(s.Created) {
			return nil, &efstypes.SubnetNotFound{Message: aws.String("The subnet ID '" + sid + "' does not exist"), ErrorCode_: aws.String("SubnetNotFound")}
		}
		if in.IpAddressType != "" && in.IpAddressType != efstypes.IpAddressTypeIpv4Only {
			return nil, efsBadRequest("The sandbox's subnets are IPv4 only; IpAddressType must be IPV4_ONLY.")
		}
		if f.AZ != "" && s.AZ != f.AZ {
			return nil, &efstypes.AvailabilityZonesMismatch{Message: aws.String("The subnet's Availability Zone " + s.AZ + " doesn't match the One Zone file system's " + f.AZ + "."),
				ErrorCode_: aws.String("AvailabilityZonesMismatch")}
		}
		for _, m := range t.liveMountTargets(f.ID) {
			if m.VPC != s.VPC {
				return nil, &efstypes.MountTargetConflict{Message: aws.String("All mount targets of a file system must be in the same VPC; " + m.ID + " is in " + m.VPC + "."), ErrorCode_: aws.String("MountTargetConflict")}
			}
			if m.AZ == s.AZ {
				return nil, &efstypes.MountTargetConflict{Message: aws.String("mount target already exists in this AZ"), ErrorCode_: aws.String("MountTargetConflict")}
			}
		}
		sgs, err := t.efsGroups(in.SecurityGroups, s.VPC)
		if err != nil {
			return nil, err
		}
		var want netip.Addr
		if ip := aws.ToString(in.IpAddress); ip != "" {
			addr, err := netip.ParseAddr(ip)
			p, perr := netip.ParsePrefix(s.CIDR)
			if err != nil || perr != nil || !addr.Is4() || !p.Contains(addr) {
				return nil, efsBadRequest("IP address %s is not in the subnet %s (%s).", ip, s.ID, s.CIDR)
			}
			first := p.Masked().Addr()
			for i := 0; i < 4; i++ {
				first = first.Next()
			}
			if addr.Less(first) || addr == broadcastAddr(p) {
				return nil, efsBadRequest("IP address %s is reserved in subnet %s.", ip, s.ID)
			}
			for _, e := range t.r.EC2.ENIs {
				if e.Subnet == s.ID && e.PrivateIP == ip {
					return nil, withStatus(409, &efstypes.IpAddressInUse{Message: aws.String("Address " + ip + " is already in use in subnet " + s.ID + "."), ErrorCode_: aws.String("IpAddressInUse")})
				}
			}
			want = addr
		}
		id := "fsmt-0" + hexID(16)
		e, err := t.newENI(s, sgs, "EFS mount target for "+f.ID+" ("+id+")", false, "amazon-elasticfilesystem", id, t.now)
		if err != nil {
			return nil, withStatus(409, &efstypes.NoFreeAddressesInSubnet{Message: aws.String("The subnet " + s.ID + " has no free addresses."), ErrorCode_: aws.String("NoFreeAddressesInSubnet")})
		}
		if want.IsValid() {
			e.PrivateIP = want.String()
		}
		m := &mountTarget{ID: id, FS: f.ID, Subnet: s.ID, VPC: s.VPC, AZ: s.AZ, IP: e.PrivateIP, ENI: e.ID, SGs: sgs,
			Created: t.now, AvailableAt: t.at(paceEFSAvailable)}
		t.r.EFS.MountTargets[id] = m
		d := t.mtOut(m)
		d.LifeCycleState = efstypes.LifeCycleStateCreating
		return &efs.CreateMountTargetOutput{MountTargetId: d.MountTargetId, FileSystemId: d.FileSystemId, SubnetId: d.SubnetId, VpcId: d.VpcId,
			AvailabilityZoneName: d.AvailabilityZoneName, AvailabilityZoneId: d.AvailabilityZoneId, IpAddress: d.IpAddress,
			NetworkInterfaceId: d.NetworkInterfaceId, OwnerId: d.OwnerId, LifeCycleState: d.LifeCycleState}, nil
	})
}

// broadcastAddr is a prefix's broadcast address.
func broadcastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= (1 << host) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func (a *efsAPI) DeleteMountTarget(ctx context.Context, in *efs.DeleteMountTargetInput, _ ...func(*efs.Options)) (*efs.DeleteMountTargetOutput, error) {
	return call(ctx, a.s, svcEFS, "DeleteMountTarget", func(t *tx) (*efs.DeleteMountTargetOutput, error) {
		m, err := t.mountTarget(aws.ToString(in.MountTargetId))
		if err != nil {
			return nil, err
		}
		if !m.DeletedAt.IsZero() {
			return nil, efsMTState(m.ID, efstypes.LifeCycleStateDeleting)
		}
		m.DeletedAt, m.GoneAt = t.now, t.at(paceEFSDelete)
		t.releaseENIsAt(m.ID, m.GoneAt)
		return &efs.DeleteMountTargetOutput{}, nil
	})
}

func (a *efsAPI) DescribeMountTargets(ctx context.Context, in *efs.DescribeMountTargetsInput, _ ...func(*efs.Options)) (*efs.DescribeMountTargetsOutput, error) {
	return call(ctx, a.s, svcEFS, "DescribeMountTargets", func(t *tx) (*efs.DescribeMountTargetsOutput, error) {
		n := 0
		for _, p := range []*string{in.FileSystemId, in.MountTargetId, in.AccessPointId} {
			if p != nil {
				n++
			}
		}
		if n != 1 {
			return nil, efsBadRequest("Must specify exactly one mutually exclusive parameter.")
		}
		limit := int(aws.ToInt32(in.MaxItems))
		if limit == 0 {
			limit = 10
		}
		if limit < 1 {
			return nil, efsBadRequest("MaxItems must be greater than 0.")
		}
		var all []efstypes.MountTargetDescription
		switch {
		case in.AccessPointId != nil:
			return nil, &efstypes.AccessPointNotFound{Message: aws.String("Access point '" + *in.AccessPointId + "' does not exist."), ErrorCode_: aws.String("AccessPointNotFound")}
		case in.MountTargetId != nil:
			m, err := t.mountTarget(*in.MountTargetId)
			if err != nil {
				return nil, err
			}
			all = append(all, t.mtOut(m))
		default:
			f, err := t.fileSystem(*in.FileSystemId)
			if err != nil {
				return nil, err
			}
			for _, m := range t.liveMountTargets(f.ID) {
				if !t.hidden(m.Created) {
					all = append(all, t.mtOut(m))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, efsBadRequest("Invalid Marker.")
		}
		if items == nil {
			items = []efstypes.MountTargetDescription{}
		}
		return &efs.DescribeMountTargetsOutput{MountTargets: items, Marker: in.Marker, NextMarker: next}, nil
	})
}

func (a *efsAPI) DescribeMountTargetSecurityGroups(ctx context.Context, in *efs.DescribeMountTargetSecurityGroupsInput, _ ...func(*efs.Options)) (*efs.DescribeMountTargetSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcEFS, "DescribeMountTargetSecurityGroups", func(t *tx) (*efs.DescribeMountTargetSecurityGroupsOutput, error) {
		m, err := t.mountTarget(aws.ToString(in.MountTargetId))
		if err != nil {
			return nil, err
		}
		if st := t.mtState(m); st == efstypes.LifeCycleStateDeleting {
			return nil, efsMTState(m.ID, st)
		}
		return &efs.DescribeMountTargetSecurityGroupsOutput{SecurityGroups: append([]string{}, m.SGs...)}, nil
	})
}

func (a *efsAPI) ModifyMountTargetSecurityGroups(ctx context.Context, in *efs.ModifyMountTargetSecurityGroupsInput, _ ...func(*efs.Options)) (*efs.ModifyMountTargetSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcEFS, "ModifyMountTargetSecurityGroups", func(t *tx) (*efs.ModifyMountTargetSecurityGroupsOutput, error) {
		m, err := t.mountTarget(aws.ToString(in.MountTargetId))
		if err != nil {
			return nil, err
		}
		if st := t.mtState(m); st != efstypes.LifeCycleStateAvailable {
			return nil, efsMTState(m.ID, st)
		}
		if len(in.SecurityGroups) == 0 {
			return nil, efsBadRequest("SecurityGroups must contain at least one security group.")
		}
		sgs, err := t.efsGroups(in.SecurityGroups, m.VPC)
		if err != nil {
			return nil, err
		}
		m.SGs = sgs
		t.setENIGroups(m.ID, sgs)
		return &efs.ModifyMountTargetSecurityGroupsOutput{}, nil
	})
}
