package aws

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type dbInstanceHandler struct{}

func (dbInstanceHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeDBInstance, Service: arch.Database, DeleteRank: 7, HoldsData: true, LateOutputs: true, FinalSnapshot: true,
		ARNKinds: []string{"rds:db"},
		Console:  func(s resource.Site) string { return console(s, "rds/home?region="+s.Region+"#database:id="+s.Name()) },
		Lookup: func(s resource.Site) string {
			return "aws rds describe-db-instances --db-instance-identifier " + s.Name() + " " + regionFlag(s)
		},
	}
}

// The database and user every app gets; the password is the generated
// SecureString parameter.
const (
	dbName = "app"
	dbUser = "mvi"
)

func dbLive(typ string, d rdstypes.DBInstance) resource.Live {
	l := newLive(typ, str(d.DBInstanceIdentifier), rdsTagMap(d.TagList))
	l.ARN = str(d.DBInstanceArn)
	l.State = str(d.DBInstanceStatus)
	l.Attrs["identifier"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["engine"] = str(d.Engine)
	l.Attrs["class"] = str(d.DBInstanceClass)
	l.Attrs["storage_gib"] = itoa(int(i32(d.AllocatedStorage)))
	l.Attrs["backup_days"] = itoa(int(i32(d.BackupRetentionPeriod)))
	l.Attrs["db_name"] = str(d.DBName)
	l.Attrs["username"] = str(d.MasterUsername)
	l.Attrs["encrypted"] = fmt.Sprint(boolv(d.StorageEncrypted))
	l.Attrs["kms_key"] = str(d.KmsKeyId)
	l.Attrs["public"] = fmt.Sprint(boolv(d.PubliclyAccessible))
	l.Attrs["deletion_protection"] = fmt.Sprint(boolv(d.DeletionProtection))
	if d.DBSubnetGroup != nil {
		l.Attrs["subnet_group"] = str(d.DBSubnetGroup.DBSubnetGroupName)
	}
	var sgs []string
	for _, g := range d.VpcSecurityGroups {
		sgs = append(sgs, str(g.VpcSecurityGroupId))
	}
	l.Attrs["security_groups"] = strings.Join(sgs, ",")
	if d.Endpoint != nil {
		l.Attrs["endpoint"] = str(d.Endpoint.Address)
		if d.Endpoint.Port != nil {
			l.Attrs["port"] = itoa(int(*d.Endpoint.Port))
		}
	}
	if l.Attrs["port"] == "" && d.DbInstancePort != nil && *d.DbInstancePort != 0 {
		l.Attrs["port"] = itoa(int(*d.DbInstancePort))
	}
	return l
}

func (h dbInstanceHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := rdsName(env.App, "")
	var out []resource.Live
	p := rds.NewDescribeDBInstancesPaginator(env.Clients.RDS, &rds.DescribeDBInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "DB instances", err)
		}
		for _, d := range page.DBInstances {
			if !strings.HasPrefix(str(d.DBInstanceIdentifier), prefix) || str(d.DBInstanceStatus) == "deleting" {
				continue
			}
			if ours(env.App, rdsTagMap(d.TagList)) {
				out = append(out, dbLive(h.Describe().Type, d))
			}
		}
	}
	return out, nil
}

func (h dbInstanceHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.DBInstanceProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	group, err := depAttr(env, r.ID, p.SubnetGroup, "name")
	if err != nil {
		return resource.Live{}, err
	}
	sg, err := depAttr(env, r.ID, p.SecurityGroup, "group_id")
	if err != nil {
		return resource.Live{}, err
	}
	pw, err := generatedValue(ctx, env, r.ID, p.Password, "password")
	if err != nil {
		return resource.Live{}, err
	}
	id := rdsName(env.App, r.ID)
	in := &rds.CreateDBInstanceInput{
		DBInstanceIdentifier:  aws.String(id),
		Engine:                aws.String(p.Engine),
		DBInstanceClass:       aws.String(p.Class),
		AllocatedStorage:      aws.Int32(int32(p.StorageGiB)),
		StorageType:           aws.String("gp3"),
		DBName:                aws.String(orDefault(p.Name, dbName)),
		MasterUsername:        aws.String(orDefault(p.User, dbUser)),
		MasterUserPassword:    aws.String(pw),
		DBSubnetGroupName:     aws.String(group),
		VpcSecurityGroupIds:   []string{sg},
		StorageEncrypted:      aws.Bool(true),
		KmsKeyId:              aws.String(key),
		PubliclyAccessible:    aws.Bool(p.Public),
		BackupRetentionPeriod: aws.Int32(int32(p.BackupDays)),
		// Delete turns it off first, once the person has agreed.
		DeletionProtection:      aws.Bool(p.DeletionProtection),
		CopyTagsToSnapshot:      aws.Bool(true),
		AutoMinorVersionUpgrade: aws.Bool(true),
		MultiAZ:                 aws.Bool(false),
		Port:                    aws.Int32(int32(p.Port)),
		Tags:                    rdsTags(resource.Tags(env.App, r)),
	}
	if p.Version != "" {
		in.EngineVersion = aws.String(p.Version)
	}
	res, err := env.Clients.RDS.CreateDBInstance(ctx, in)
	if isCode(err, "DBInstanceAlreadyExists") {
		d, derr := h.describe(ctx, env, r.ID, id)
		if derr != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		if d.Attrs["engine"] != p.Engine {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		d.ID = r.ID
		return h.Update(ctx, env, r, d)
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, scrub(err, pw))
	}
	live := dbLive(h.Describe().Type, *res.DBInstance)
	live.ID, live.Hash = r.ID, arch.Hash(r.Props)
	return live, nil
}

// scrub is belt and braces: should an error ever echo the password, it is
// replaced (the AWS error code stays readable).
func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &scrubbed{err: err, secret: secret}
}

type scrubbed struct {
	err    error
	secret string
}

func (s *scrubbed) Error() string { return strings.ReplaceAll(s.err.Error(), s.secret, "********") }
func (s *scrubbed) Unwrap() error { return s.err }

func (h dbInstanceHandler) describe(ctx context.Context, env resource.Env, id, ident string) (resource.Live, error) {
	res, err := env.Clients.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(ident)})
	if err != nil {
		return resource.Live{}, wrap("describe", id, err)
	}
	if len(res.DBInstances) == 0 {
		return resource.Live{}, wrap("describe", id, &notFound{what: "DB instance " + ident})
	}
	return dbLive(h.Describe().Type, res.DBInstances[0]), nil
}

// Update changes size, storage, backups and security group in place
// (applied at once); engine, encryption and subnet group need a new
// database.
func (h dbInstanceHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.DBInstanceProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	group, err := depAttr(env, r.ID, p.SubnetGroup, "name")
	if err != nil {
		return resource.Live{}, err
	}
	sg, err := depAttr(env, r.ID, p.SecurityGroup, "group_id")
	if err != nil {
		return resource.Live{}, err
	}
	a := live.Attrs
	if a["engine"] != p.Engine || a["encrypted"] == "false" || (a["kms_key"] != "" && !sameKey(a["kms_key"], key)) ||
		(a["subnet_group"] != "" && a["subnet_group"] != group) {
		return resource.Live{}, resource.ErrReplace
	}
	if n, _ := strconv.Atoi(a["storage_gib"]); n > p.StorageGiB {
		return resource.Live{}, fmt.Errorf("update %s: storage can grow but never shrink (%d GiB live, %d GiB designed)", r.ID, n, p.StorageGiB)
	}
	in := &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(live.PhysicalID), ApplyImmediately: aws.Bool(true)}
	changed := false
	if a["class"] != p.Class {
		in.DBInstanceClass, changed = aws.String(p.Class), true
	}
	if a["storage_gib"] != itoa(p.StorageGiB) {
		in.AllocatedStorage, changed = aws.Int32(int32(p.StorageGiB)), true
	}
	if a["backup_days"] != itoa(p.BackupDays) {
		in.BackupRetentionPeriod, changed = aws.Int32(int32(p.BackupDays)), true
	}
	if a["security_groups"] != sg {
		in.VpcSecurityGroupIds, changed = []string{sg}, true
	}
	if a["public"] != fmt.Sprint(p.Public) {
		in.PubliclyAccessible, changed = aws.Bool(p.Public), true
	}
	if a["deletion_protection"] != fmt.Sprint(p.DeletionProtection) {
		in.DeletionProtection, changed = aws.Bool(p.DeletionProtection), true
	}
	if changed {
		if _, err := env.Clients.RDS.ModifyDBInstance(ctx, in); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.RDS.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: aws.String(live.ARN), Tags: rdsTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	out, err := h.describe(ctx, env, r.ID, live.PhysicalID)
	if err != nil {
		return resource.Live{}, err
	}
	out.ID, out.Hash = r.ID, tags[resource.TagHash]
	return out, nil
}

// Delete runs only once the person has agreed (the plan's data-loss
// consent, or down's): it turns deletion protection off, then deletes,
// keeping the final snapshot the engine named (AttrFinalSnapshot) or, when
// told not to keep one, none. Automated backups go with the instance; the
// final snapshot is what stays.
func (h dbInstanceHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	if live.Attrs["deletion_protection"] == "true" {
		if err := h.unprotect(ctx, env, live); err != nil {
			return err
		}
	}
	in := &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(live.PhysicalID), DeleteAutomatedBackups: aws.Bool(true)}
	if snap := live.Attrs[resource.AttrFinalSnapshot]; snap != "" {
		in.FinalDBSnapshotIdentifier = aws.String(snap)
	} else {
		in.SkipFinalSnapshot = aws.Bool(true)
	}
	_, err := env.Clients.RDS.DeleteDBInstance(ctx, in)
	for n := 2; isCode(err, "DBSnapshotAlreadyExists", "DBSnapshotAlreadyExistsFault") && n <= 9; n++ {
		// An earlier delete took one in the same second (up and down again
		// at once): this one is kept beside it, numbered. A retry of this
		// same delete never gets here: RDS says "already being deleted".
		in.FinalDBSnapshotIdentifier = aws.String(live.Attrs[resource.AttrFinalSnapshot] + "-" + strconv.Itoa(n))
		_, err = env.Clients.RDS.DeleteDBInstance(ctx, in)
	}
	if isCode(err, "InvalidParameterCombination") && strings.Contains(strings.ToLower(errMessage(err)), "protect") {
		// Turned on by hand since the listing: off again, once.
		if err := h.unprotect(ctx, env, live); err != nil {
			return err
		}
		_, err = env.Clients.RDS.DeleteDBInstance(ctx, in)
	}
	if isCode(err, "DBInstanceNotFound", "DBInstanceNotFoundFault") {
		return nil
	}
	if isCode(err, "InvalidDBInstanceState") && strings.Contains(strings.ToLower(errMessage(err)), "already being deleted") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

// unprotect turns deletion protection off. RDS applies it at once, with
// no maintenance window and no "modifying" state.
func (h dbInstanceHandler) unprotect(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.RDS.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{
		DBInstanceIdentifier: aws.String(live.PhysicalID), DeletionProtection: aws.Bool(false)})
	if isCode(err, "DBInstanceNotFound", "DBInstanceNotFoundFault") {
		return nil
	}
	if isCode(err, "InvalidParameterCombination") && strings.Contains(errMessage(err), "No modifications were requested") {
		return nil // already off: a retried delete turned it off the first time
	}
	return wrap("turn off deletion protection of", live.ID, err)
}

func (h dbInstanceHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := h.describe(ctx, env, live.ID, live.PhysicalID)
	var nf *notFound
	if errors.As(err, &nf) || isCode(err, "DBInstanceNotFound", "DBInstanceNotFoundFault") {
		return false, "waiting for database (not found)", nil
	}
	if err != nil {
		return false, "", err
	}
	if d.State != "available" {
		return false, "waiting for database (" + d.State + ")", nil
	}
	return true, "", nil
}

// Changes names a new size or storage.
func (dbInstanceHandler) Changes(r arch.Resource, live resource.Live) []string {
	p, ok := r.Props.(arch.DBInstanceProps)
	if !ok {
		return nil
	}
	return changes(change("size", live.Attrs["class"], p.Class), change("storage GiB", live.Attrs["storage_gib"], itoa(p.StorageGiB)))
}
