# The constraints come in their own migration (their own transaction): on PostgreSQL a table
# cannot be altered while the rows 0004 changed still have pending trigger events.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0004_team_member_one_per_person'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='teammember',
            constraint=models.UniqueConstraint(models.F('project'), django.db.models.functions.text.Lower('email'), condition=models.Q(('email', ''), _negated=True), name='team_member_email_once'),
        ),
        migrations.AddConstraint(
            model_name='teammember',
            constraint=models.UniqueConstraint(condition=models.Q(('is_lead', True)), fields=('project',), name='team_member_one_lead'),
        ),
        migrations.AddConstraint(
            model_name='teammember',
            constraint=models.CheckConstraint(condition=models.Q(('is_lead', False), models.Q(('email', ''), _negated=True), models.Q(('phone', ''), _negated=True), _connector='OR'), name='team_member_lead_has_contact'),
        ),
    ]
