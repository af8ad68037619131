"""demo banks: the 추가인증 of a mobile OTP enrollment

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('demo_bank_customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('otp_enrollment_challenge_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_demo_bank_customers_otp_enrollment_challenge_id', 'sms_challenges',
            ['otp_enrollment_challenge_id'], ['id'],
        )


def downgrade():
    with op.batch_alter_table('demo_bank_customers', schema=None) as batch_op:
        batch_op.drop_constraint('fk_demo_bank_customers_otp_enrollment_challenge_id', type_='foreignkey')
        batch_op.drop_column('otp_enrollment_challenge_id')
