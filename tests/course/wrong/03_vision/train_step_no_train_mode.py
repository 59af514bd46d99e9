# notebook: vision.ipynb
# cell: train_step
# loses: test_train_step_values
# why: never calls model.train(), so after an evaluation dropout would stay off during training
def train_step(model, loader, loss_fn, optimizer, device):
    total = 0.0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)
