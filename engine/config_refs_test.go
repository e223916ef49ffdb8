package engine

import (
	"context"
	"net/url"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

const wordpress = `name = "wp"

[processes.web]
image = "wordpress"
port = 80

[processes.web.env]
WORDPRESS_DB_HOST = "${database.host}:${database.port}"
WORDPRESS_DB_USER = "${database.user}"
WORDPRESS_DB_PASSWORD = "${database.password}"
WORDPRESS_DB_NAME = "${database.name}"
DSN = "mysql://${database.user}:${database.password}@${database.host}/${database.name}"
UPLOADS = "${fs.path}/uploads"
LITERAL = "costs $${5}"

[database]
engine = "mariadb"
name = "wordpress"
user = "wp"

[fs]
`

// The first release with a new database gets its endpoint, DATABASE_URL
// and every reference filled in; whatever holds the password reaches the
// container only as a secret.
func TestFirstReleaseGetsTheDatabaseWiredIn(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App = "wp"
	ctx := context.Background()
	m, err := manifest.Parse("mvi.toml", []byte(wordpress))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	out, err := cfg.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: sdkaws.String(arch.PhysicalName("wp", arch.TaskDefinitionID("web")))})
	if err != nil {
		t.Fatal(err)
	}
	c := out.TaskDefinition.ContainerDefinitions[0]
	plain, secret := map[string]string{}, map[string]string{}
	for _, kv := range c.Environment {
		plain[*kv.Name] = *kv.Value
	}
	for _, s := range c.Secrets {
		secret[*s.Name] = *s.ValueFrom
	}
	host := plain["DATABASE_HOST"]
	if host == "" || plain["DATABASE_PORT"] != "3306" {
		t.Fatalf("DATABASE_HOST %q, DATABASE_PORT %q on the first release", host, plain["DATABASE_PORT"])
	}
	want := map[string]string{"WORDPRESS_DB_HOST": host + ":3306", "WORDPRESS_DB_USER": "wp", "WORDPRESS_DB_NAME": "wordpress",
		"UPLOADS": "/mnt/shared/uploads", "LITERAL": "costs ${5}"}
	for k, v := range want {
		if plain[k] != v {
			t.Errorf("%s = %q, want %q", k, plain[k], v)
		}
	}
	for _, k := range []string{"DATABASE_URL", "WORDPRESS_DB_PASSWORD", "DSN", "DATABASE_PASSWORD"} {
		if _, ok := plain[k]; ok {
			t.Errorf("%s is plain environment: it holds the password", k)
		}
		if secret[k] == "" {
			t.Errorf("%s is not delivered as a secret", k)
		}
	}
	read := func(arn string) string {
		t.Helper()
		name := arn[strings.Index(arn, ":parameter")+len(":parameter"):]
		p, err := cfg.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: &name, WithDecryption: sdkaws.Bool(true)})
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if p.Parameter.Type != "SecureString" {
			t.Errorf("%s is a %s, want a SecureString", name, p.Parameter.Type)
		}
		return *p.Parameter.Value
	}
	pw := read(secret["DATABASE_PASSWORD"])
	u, err := url.Parse(read(secret["DATABASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := u.User.Password()
	if u.Scheme != "mysql" || u.User.Username() != "wp" || got != pw || u.Host != host+":3306" || u.Path != "/wordpress" {
		t.Errorf("DATABASE_URL is %s://%s@%s%s (password matches: %v)", u.Scheme, u.User.Username(), u.Host, u.Path, got == pw)
	}
	if dsn := read(secret["DSN"]); dsn != "mysql://wp:"+pw+"@"+host+"/wordpress" {
		t.Errorf("DSN composed wrong (length %d)", len(dsn))
	}
	if read(secret["WORDPRESS_DB_PASSWORD"]) != pw {
		t.Error("WORDPRESS_DB_PASSWORD is not the database's password")
	}
}
