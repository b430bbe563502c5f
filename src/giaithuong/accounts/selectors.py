from giaithuong.accounts.models import RoleGrant


def grants_for(user):
    return (RoleGrant.objects.filter(user=user)
            .select_related("edition", "unit", "council").order_by("role", "id"))
