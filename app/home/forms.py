"""Forms of the home page."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class BankSearchForm(FlaskForm):
    query = StringField(
        "은행 이름",
        validators=[
            DataRequired("찾을 은행 이름을 입력해주세요."),
            Length(max=20, message="은행 이름은 20자 이내로 입력해주세요."),
        ],
    )
