package sandbox

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

func TestEFSFileSystemsAndMountTargets(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "fs")
	sg := newSG(c.Clients, n.vpc, "nfs")
	key := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{}))

	_, err := c.EFS.CreateFileSystem(bg, &efs.CreateFileSystemInput{CreationToken: aws.String("t0"), KmsKeyId: key.KeyMetadata.Arn})
	wantCode(t, err, "BadRequest") // a key without Encrypted
	fs := must(c.EFS.CreateFileSystem(bg, &efs.CreateFileSystemInput{CreationToken: aws.String("tok"), Encrypted: aws.Bool(true),
		KmsKeyId: key.KeyMetadata.KeyId, Tags: []efstypes.Tag{efsTag("Name", "files"), efsTag("mvi:app", "fs")}}))
	if fs.LifeCycleState != efstypes.LifeCycleStateCreating || *fs.KmsKeyId != *key.KeyMetadata.Arn || *fs.Name != "files" || !*fs.Encrypted {
		t.Fatalf("created %+v", fs)
	}
	// The same creation token: the file system that exists, by id.
	_, err = c.EFS.CreateFileSystem(bg, &efs.CreateFileSystemInput{CreationToken: aws.String("tok"), Encrypted: aws.Bool(true)})
	var exists *efstypes.FileSystemAlreadyExists
	if !errors.As(err, &exists) || aws.ToString(exists.FileSystemId) != *fs.FileSystemId {
		t.Fatalf("want FileSystemAlreadyExists with the id, got %v", err)
	}
	byToken := must(c.EFS.DescribeFileSystems(bg, &efs.DescribeFileSystemsInput{CreationToken: aws.String("tok")}))
	if len(byToken.FileSystems) != 1 || byToken.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("by token %+v", byToken.FileSystems)
	}
	_, err = c.EFS.DescribeFileSystems(bg, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-0123456789abcdef0")})
	var nf *efstypes.FileSystemNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("want FileSystemNotFound, got %v", err)
	}

	// Mount targets: one per zone, an address in the subnet.
	_, err = c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: aws.String("subnet-0123456789abcdef0")})
	var snf *efstypes.SubnetNotFound
	if !errors.As(err, &snf) {
		t.Fatalf("want SubnetNotFound, got %v", err)
	}
	_, err = c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: &n.subnets[0], SecurityGroups: []string{"sg-0123456789abcdef0"}})
	wantCode(t, err, "SecurityGroupNotFound")
	var mts []string
	for i, sn := range n.subnets {
		mt := must(c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: aws.String(sn), SecurityGroups: []string{sg}}))
		if mt.LifeCycleState != efstypes.LifeCycleStateCreating || *mt.VpcId != n.vpc || *mt.NetworkInterfaceId == "" {
			t.Fatalf("mount target %+v", mt)
		}
		cidr := []string{"10.0.0.0/20", "10.0.16.0/20"}[i]
		if !netip.MustParsePrefix(cidr).Contains(netip.MustParseAddr(*mt.IpAddress)) {
			t.Fatalf("address %s not in %s", *mt.IpAddress, cidr)
		}
		mts = append(mts, *mt.MountTargetId)
	}
	_, err = c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: &n.subnets[0]})
	var conflict *efstypes.MountTargetConflict
	if !errors.As(err, &conflict) {
		t.Fatalf("second in a zone: want MountTargetConflict, got %v", err)
	}
	d := must(c.EFS.DescribeMountTargets(bg, &efs.DescribeMountTargetsInput{FileSystemId: fs.FileSystemId}))
	if len(d.MountTargets) != 2 || d.MountTargets[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("mount targets %+v", d.MountTargets)
	}
	_, err = c.EFS.DescribeMountTargets(bg, &efs.DescribeMountTargetsInput{})
	wantCode(t, err, "BadRequest")
	_, err = c.EFS.DescribeMountTargets(bg, &efs.DescribeMountTargetsInput{MountTargetId: aws.String("fsmt-0123456789abcdef0")})
	wantCode(t, err, "MountTargetNotFound")

	// In use: the file system, the security group, the subnets.
	_, err = c.EFS.DeleteFileSystem(bg, &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId})
	var inUse *efstypes.FileSystemInUse
	if !errors.As(err, &inUse) {
		t.Fatalf("want FileSystemInUse, got %v", err)
	}
	_, err = c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg})
	wantCode(t, err, "DependencyViolation")
	_, err = c.EC2.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: &n.subnets[1]})
	wantCode(t, err, "DependencyViolation")

	// Security groups follow a change.
	sg2 := newSG(c.Clients, n.vpc, "nfs2")
	must(c.EFS.ModifyMountTargetSecurityGroups(bg, &efs.ModifyMountTargetSecurityGroupsInput{MountTargetId: &mts[0], SecurityGroups: []string{sg2}}))
	got := must(c.EFS.DescribeMountTargetSecurityGroups(bg, &efs.DescribeMountTargetSecurityGroupsInput{MountTargetId: &mts[0]}))
	if len(got.SecurityGroups) != 1 || got.SecurityGroups[0] != sg2 {
		t.Fatalf("groups %v", got.SecurityGroups)
	}

	// Backup policy and tags.
	bp := must(c.EFS.PutBackupPolicy(bg, &efs.PutBackupPolicyInput{FileSystemId: fs.FileSystemId, BackupPolicy: &efstypes.BackupPolicy{Status: efstypes.StatusEnabled}}))
	if bp.BackupPolicy.Status != efstypes.StatusEnabled {
		t.Fatalf("backup %v", bp.BackupPolicy)
	}
	_, err = c.EFS.PutBackupPolicy(bg, &efs.PutBackupPolicyInput{FileSystemId: fs.FileSystemId, BackupPolicy: &efstypes.BackupPolicy{Status: efstypes.StatusEnabling}})
	wantCode(t, err, "ValidationException")
	must(c.EFS.TagResource(bg, &efs.TagResourceInput{ResourceId: fs.FileSystemId, Tags: []efstypes.Tag{efsTag("mvi:mount:"+n.subnets[0], "mt@1")}}))
	tags := must(c.EFS.ListTagsForResource(bg, &efs.ListTagsForResourceInput{ResourceId: fs.FileSystemId}))
	if len(tags.Tags) != 3 {
		t.Fatalf("tags %v", tags.Tags)
	}
	_, err = c.EFS.TagResource(bg, &efs.TagResourceInput{ResourceId: aws.String("fs-0123456789abcdef0"), Tags: []efstypes.Tag{efsTag("a", "b")}})
	wantCode(t, err, "FileSystemNotFound")

	// Tear down: mount targets, then the file system.
	for _, id := range mts {
		must(c.EFS.DeleteMountTarget(bg, &efs.DeleteMountTargetInput{MountTargetId: aws.String(id)}))
	}
	if d := must(c.EFS.DescribeMountTargets(bg, &efs.DescribeMountTargetsInput{FileSystemId: fs.FileSystemId})); len(d.MountTargets) != 0 {
		t.Fatalf("left %+v", d.MountTargets)
	}
	must(c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg}))
	must(c.EFS.DeleteFileSystem(bg, &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}))
	_, err = c.EFS.DescribeFileSystems(bg, &efs.DescribeFileSystemsInput{FileSystemId: fs.FileSystemId})
	if !errors.As(err, &nf) {
		t.Fatalf("after delete: want FileSystemNotFound, got %v", err)
	}
}

func TestEFSLifeCycleOnTheClock(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := s.Clients()
	n := buildNetwork(t, c, "fsclk")
	fs := must(c.EFS.CreateFileSystem(bg, &efs.CreateFileSystemInput{CreationToken: aws.String("a"), AvailabilityZoneName: aws.String("us-east-1a")}))
	_, err := c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: &n.subnets[0]})
	wantCode(t, err, "IncorrectFileSystemLifeCycleState")
	clk.Advance(paceEFSAvailable)
	d := must(c.EFS.DescribeFileSystems(bg, &efs.DescribeFileSystemsInput{FileSystemId: fs.FileSystemId})).FileSystems[0]
	if d.LifeCycleState != efstypes.LifeCycleStateAvailable || aws.ToString(d.AvailabilityZoneName) != "us-east-1a" {
		t.Fatalf("file system %+v", d)
	}
	_, err = c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: &n.subnets[1]})
	wantCode(t, err, "AvailabilityZonesMismatch") // One Zone
	mt := must(c.EFS.CreateMountTarget(bg, &efs.CreateMountTargetInput{FileSystemId: fs.FileSystemId, SubnetId: &n.subnets[0], IpAddress: aws.String("10.0.0.77")}))
	if *mt.IpAddress != "10.0.0.77" {
		t.Fatalf("address %s", *mt.IpAddress)
	}
	_, err = c.EFS.ModifyMountTargetSecurityGroups(bg, &efs.ModifyMountTargetSecurityGroupsInput{MountTargetId: mt.MountTargetId, SecurityGroups: []string{n.sgApp}})
	wantCode(t, err, "IncorrectMountTargetState") // still creating
	clk.Advance(paceEFSAvailable)
	must(c.EFS.DeleteMountTarget(bg, &efs.DeleteMountTargetInput{MountTargetId: mt.MountTargetId}))
	m := must(c.EFS.DescribeMountTargets(bg, &efs.DescribeMountTargetsInput{MountTargetId: mt.MountTargetId})).MountTargets[0]
	if m.LifeCycleState != efstypes.LifeCycleStateDeleting {
		t.Fatalf("mount target %s", m.LifeCycleState)
	}
	_, err = c.EFS.DeleteFileSystem(bg, &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId})
	wantCode(t, err, "FileSystemInUse") // until the mount target is gone
	clk.Advance(paceEFSDelete)
	must(c.EFS.DeleteFileSystem(bg, &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}))
	if d := must(c.EFS.DescribeFileSystems(bg, &efs.DescribeFileSystemsInput{FileSystemId: fs.FileSystemId})).FileSystems[0]; d.LifeCycleState != efstypes.LifeCycleStateDeleting {
		t.Fatalf("deleting: %s", d.LifeCycleState)
	}
	clk.Advance(paceEFSDelete)
	_, err = c.EFS.DescribeFileSystems(bg, &efs.DescribeFileSystemsInput{FileSystemId: fs.FileSystemId})
	wantCode(t, err, "FileSystemNotFound")
}
